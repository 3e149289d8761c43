import ArgumentParser
import BridgeSupport
import Foundation
import KafkaClient
import PostgresClient
import RedisClient
import ServiceSupport

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check each service: reachable, its version and latency, one line each.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let config = try connection.configuration()
        var failures = 0
        for check in [checkPostgres, checkRedis, checkKafka] {
            let line = await check(config)
            print(line.text)
            if !line.ok { failures += 1 }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    struct Line { var ok: Bool; var text: String }

    func checkPostgres(_ config: BridgeConfiguration) async -> Line {
        let address = (try? ServiceURL(parsing: config.postgresURL).address(defaultPort: 5432)) ?? ServiceURL.redact(config.postgresURL)
        do {
            let client = try await PostgresClient(url: config.postgresURL)
            defer { client.close() }
            let start = ContinuousClock.now
            let version = try await client.query("SHOW server_version")[0].string(0)
            let elapsed = ContinuousClock.now - start
            let migrated = try await client.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'bridge' AND tablename = 'schema_migrations'")[0].int(0)
            let note = migrated == 1 ? "" : ", not migrated yet (run bridge migrate)"
            return Line(ok: true, text: "ok   postgresql \(address)  PostgreSQL \(version), \(format(elapsed))\(note)")
        } catch {
            return Line(ok: false, text: "FAIL postgresql \(address)  \(error)")
        }
    }

    func checkRedis(_ config: BridgeConfiguration) async -> Line {
        let address = (try? config.redis().address) ?? ServiceURL.redact(config.redisURL)
        do {
            let client = try await RedisClient(configuration: try config.redis())
            defer { client.close() }
            let start = ContinuousClock.now
            _ = try await client.command(["PING"]).check()
            let elapsed = ContinuousClock.now - start
            let info = try await client.command(["INFO", "server"]).string ?? ""
            let version = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("redis_version:") }?.dropFirst(14) ?? "?"
            let aof = try await client.command(["CONFIG", "GET", "appendonly"]).array?.last?.string ?? "?"
            return Line(ok: true, text: "ok   redis      \(address)  Redis \(version), appendonly \(aof), \(format(elapsed))")
        } catch {
            return Line(ok: false, text: "FAIL redis      \(address)  \(error)")
        }
    }

    func checkKafka(_ config: BridgeConfiguration) async -> Line {
        do {
            let admin = try KafkaAdmin(configuration: config.kafka)
            let start = ContinuousClock.now
            let info = try await admin.metadata()
            let elapsed = ContinuousClock.now - start
            let ours = config.topics.all.filter { info.topics[$0] != nil }.count
            return Line(ok: true, text: "ok   kafka      \(config.kafkaBrokers)  \(info.brokers.count) broker(s), librdkafka \(librdkafkaVersion), \(ours)/\(config.topics.all.count) bridge topics, \(format(elapsed))")
        } catch {
            return Line(ok: false, text: "FAIL kafka      \(config.kafkaBrokers)  \(error)")
        }
    }

    func format(_ d: Duration) -> String {
        String(format: "%.1f ms", d.inSeconds * 1000)
    }
}
