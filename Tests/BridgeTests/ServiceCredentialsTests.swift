import Foundation
import Testing

/// Credentials and transport options reach the C clients as the operator wrote them, and never
/// come back out in what the bridge prints (docs/operations.md, "Credentials and TLS").
@Suite("Credentials and TLS options")
struct ServiceCredentialsTests {
    static let postgresURL = ProcessInfo.processInfo.environment["BRIDGE_POSTGRES_URL"]
        ?? "postgres://bridge:bridge@127.0.0.1:15432/bridge"

    /// `bridge doctor`'s line for one service.
    static func line(_ output: String, _ service: String) -> String {
        output.split(separator: "\n").first { $0.contains(" \(service) ") }.map(String.init) ?? ""
    }

    @Test("Redis AUTH: the password in BRIDGE_REDIS_URL is sent; a wrong one is refused by name, never printed")
    func redisAuth() async throws {
        try await withPrivateRedis(password: "s3cret-pw") { redis in
            try await redis.start()

            let good = try await BridgeProcess(environment: ["BRIDGE_REDIS_URL": redis.url]).runAllowingFailure(["doctor"])
            #expect(Self.line(good.stdout, "redis").hasPrefix("ok"), "\(good.stdout)")

            let wrongURL = "redis://:wrong-pw-123@127.0.0.1:\(redis.port)/0"
            let wrong = try await BridgeProcess(environment: ["BRIDGE_REDIS_URL": wrongURL]).runAllowingFailure(["doctor"])
            let line = Self.line(wrong.stdout, "redis")
            #expect(wrong.status == 1)
            #expect(line.hasPrefix("FAIL") && line.contains("127.0.0.1:\(redis.port)"), "\(wrong.stdout)")
            #expect(line.contains("WRONGPASS") || line.contains("invalid"), "\(line)")
            #expect(!(wrong.stdout + wrong.stderr).contains("wrong-pw-123"))

            let none = try await BridgeProcess(environment: ["BRIDGE_REDIS_URL": "redis://127.0.0.1:\(redis.port)/0"]).runAllowingFailure(["doctor"])
            #expect(Self.line(none.stdout, "redis").hasPrefix("FAIL"), "\(none.stdout)")
        }
    }

    @Test("PostgreSQL: libpq options in the URL (sslmode) reach libpq; the password is never printed")
    func postgresOptions() async throws {
        // The embedded server has no TLS, so requiring it must fail, and say why.
        let url = Self.postgresURL + (Self.postgresURL.contains("?") ? "&" : "?") + "sslmode=require"
        let result = try await BridgeProcess(environment: ["BRIDGE_POSTGRES_URL": url]).runAllowingFailure(["doctor"])
        let line = Self.line(result.stdout, "postgresql")
        #expect(result.status == 1)
        #expect(line.hasPrefix("FAIL") && line.contains("SSL"), "\(result.stdout)")

        let wrong = Self.postgresURL.replacingOccurrences(of: "bridge:bridge@", with: "bridge:not-the-pw-77@")
        let refused = try await BridgeProcess(environment: ["BRIDGE_POSTGRES_URL": wrong]).runAllowingFailure(["doctor"])
        #expect(Self.line(refused.stdout, "postgresql").hasPrefix("FAIL"), "\(refused.stdout)")
        #expect(!(refused.stdout + refused.stderr).contains("not-the-pw-77"))
    }

    @Test("Kafka: BRIDGE_KAFKA_PROPERTIES go to librdkafka as written (a misspelt one is named); a SASL password is never printed")
    func kafkaProperties() async throws {
        let typo = try await BridgeProcess(environment: ["BRIDGE_KAFKA_PROPERTIES": "securty.protocol=ssl"]).runAllowingFailure(["doctor"])
        let line = Self.line(typo.stdout, "kafka")
        #expect(typo.status == 1)
        #expect(line.hasPrefix("FAIL") && line.contains("securty.protocol"), "\(typo.stdout)")

        let sasl = "security.protocol=sasl_plaintext,sasl.mechanism=PLAIN,sasl.username=bridge,sasl.password=kafka-pw-991"
        let result = try await BridgeProcess(environment: ["BRIDGE_KAFKA_PROPERTIES": sasl]).runAllowingFailure(["doctor"])
        // The embedded broker speaks PLAINTEXT only: the SASL handshake cannot succeed.
        #expect(Self.line(result.stdout, "kafka").hasPrefix("FAIL"), "\(result.stdout)")
        #expect(!(result.stdout + result.stderr).contains("kafka-pw-991"))
    }
}
