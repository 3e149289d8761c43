import BridgeSupport
import Foundation
import KafkaClient
import PostgresClient
import RedisClient
import ServiceSupport

/// Reachability of the three services, each with a short timeout, as `/healthz`, `/readyz`,
/// `/status` and `bridge doctor` report it. Probes through the given connections, which
/// `bridge run` keeps for its whole life (see `ServiceConnections`).
struct ServiceProbe: Sendable {
    struct Result: Sendable {
        var service: String
        var address: String
        var ok: Bool
        var detail: String
        var latency: Duration?
    }

    let connections: ServiceConnections
    var configuration: BridgeConfiguration { connections.configuration }

    func probeAll() async -> [Result] {
        async let postgres = probePostgres()
        async let redis = probeRedis()
        async let kafka = probeKafka()
        return await [postgres, redis, kafka]
    }

    func probePostgres() async -> Result {
        let address = (try? ServiceURL(parsing: configuration.postgresURL).address(defaultPort: 5432)) ?? ServiceURL.redact(configuration.postgresURL)
        do {
            let client = try await connections.postgresClient()
            let start = ContinuousClock.now
            let version = try await client.query("SHOW server_version")[0].string(0)
            let elapsed = ContinuousClock.now - start
            let migrated = try await client.query("SELECT to_regclass('bridge.schema_migrations') IS NOT NULL")[0].bool(0)
            return Result(service: "postgresql", address: address, ok: true,
                          detail: "PostgreSQL \(version)" + (migrated ? "" : ", not migrated yet (run bridge migrate)"), latency: elapsed)
        } catch {
            return Result(service: "postgresql", address: address, ok: false, detail: "\(error)", latency: nil)
        }
    }

    func probeRedis() async -> Result {
        let address = (try? configuration.redis().address) ?? ServiceURL.redact(configuration.redisURL)
        do {
            let client = try await connections.redisClient()
            let start = ContinuousClock.now
            try await client.command(["PING"]).check()
            let elapsed = ContinuousClock.now - start
            let info = try await client.command(["INFO", "server"]).string ?? ""
            let version = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("redis_version:") }?.dropFirst(14) ?? "?"
            let aof = try await client.command(["CONFIG", "GET", "appendonly"]).array?.last?.string ?? "?"
            return Result(service: "redis", address: address, ok: true, detail: "Redis \(version), appendonly \(aof)", latency: elapsed)
        } catch {
            return Result(service: "redis", address: address, ok: false, detail: "\(error)", latency: nil)
        }
    }

    func probeKafka() async -> Result {
        do {
            let admin = try await connections.kafkaAdmin()
            let start = ContinuousClock.now
            let info = try await admin.metadata(timeout: .seconds(3))
            let elapsed = ContinuousClock.now - start
            let ours = configuration.topics.all.filter { info.topics[$0] != nil }.count
            return Result(service: "kafka", address: configuration.kafkaBrokers, ok: true,
                          detail: "\(info.brokers.count) broker(s), librdkafka \(librdkafkaVersion), \(ours)/\(configuration.topics.all.count) bridge topics",
                          latency: elapsed)
        } catch {
            return Result(service: "kafka", address: configuration.kafkaBrokers, ok: false, detail: "\(error)", latency: nil)
        }
    }
}
