import Foundation
import PackageFiles
import Testing

/// The conventions a new user tries first: `--version`, `doctor --json`, and `bridge config`
/// showing every setting in force, where it came from, and no secret.
@Suite struct CommandLineTests {
    let bridge = BridgeProcess(environment: ["BRIDGE_LOG_LEVEL": "warning"])

    @Test func versionNamesTheBuildAndItsLibraries() async throws {
        let output = try await bridge.run(["--version"])
        #expect(output.wholeMatch(of: /bridge \d+\.\d+\.\d+ \(librdkafka 2\.\d+\.\d+, hiredis \d+\.\d+\.\d+, libpq \d+\.\d+\)\n/) != nil, "\(output)")
    }

    @Test func doctorJSONSaysWhichServiceFails() async throws {
        let good = try await bridge.runAllowingFailure(["doctor", "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(good.stdout.utf8)) as? [String: Any])
        let services = try #require(report["services"] as? [[String: Any]])
        #expect(good.status == 0 && report["ok"] as? Bool == true, "\(good.stdout)\(good.stderr)")
        #expect(services.compactMap { $0["service"] as? String } == ["postgresql", "redis", "kafka"])
        #expect(services.allSatisfy { $0["ok"] as? Bool == true && $0["latency_ms"] is Double && $0["address"] is String })

        let bad = try await bridge.runAllowingFailure(["doctor", "--json", "--redis-url", "redis://:pw-4711@127.0.0.1:1/0"])
        let failed = try #require(try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [String: Any])
        let redis = (failed["services"] as? [[String: Any]])?.first { $0["service"] as? String == "redis" }
        #expect(bad.status == 1 && failed["ok"] as? Bool == false)
        #expect(redis?["ok"] as? Bool == false && redis?["address"] as? String == "127.0.0.1:1" && redis?["latency_ms"] == nil)
        #expect(!(bad.stdout + bad.stderr).contains("pw-4711"))
    }

    @Test func configShowsEachSettingItsSourceAndNoSecret() async throws {
        var env = bridge
        env.environment["BRIDGE_POSTGRES_URL"] = "postgres://bridge:pg-secret-1@127.0.0.1:15432/bridge?sslpassword=pg-secret-2"
        env.environment["BRIDGE_REDIS_URL"] = "redis://:redis-secret-3@127.0.0.1:16379/0"
        env.environment["BRIDGE_KAFKA_PROPERTIES"] = "sasl.password=kafka-secret-4,linger.ms=7"
        env.environment["BRIDGE_BATCH_SIZE"] = "1234"
        // Empty means the default. (The test's own environment may set any of them: make sets
        // the URLs when the services run on other ports.)
        env.environment["BRIDGE_PARTITIONS"] = ""
        env.environment["BRIDGE_KAFKA_BROKERS"] = ""
        let output = try await env.run(["config", "--json", "--http", "127.0.0.1:4242"])
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        var settings: [String: (value: String, source: String)] = [:]
        for line in lines { settings[line["name"] as? String ?? "?"] = (line["value"] as? String ?? "?", line["source"] as? String ?? "?") }

        #expect(settings["BRIDGE_HTTP"]! == ("127.0.0.1:4242", "flag --http"))
        #expect(settings["BRIDGE_BATCH_SIZE"]! == ("1234", "environment"))
        #expect(settings["BRIDGE_PARTITIONS"]! == ("4", "default"))
        #expect(settings["BRIDGE_KAFKA_BROKERS"]?.source == "default")
        #expect(settings["BRIDGE_POSTGRES_URL"]?.value == "postgres://bridge:***@127.0.0.1:15432/bridge?sslpassword=***")
        #expect(settings["BRIDGE_REDIS_URL"]?.value == "redis://:***@127.0.0.1:16379/0")
        #expect(settings["BRIDGE_KAFKA_PROPERTIES"]?.value == "linger.ms=7,sasl.password=***")
        for secret in ["pg-secret-1", "pg-secret-2", "redis-secret-3", "kafka-secret-4"] { #expect(!output.contains(secret)) }

        let text = try await env.run(["config"])
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("BRIDGE_BATCH_SIZE") && $0.contains(" 1234 ") && $0.hasSuffix("environment") })

        var invalid = bridge
        invalid.environment["BRIDGE_BATCH_WAIT_MS"] = "soon"
        let refused = try await invalid.runAllowingFailure(["config"])
        #expect(refused.status != 0 && refused.stderr.contains("configuration BRIDGE_BATCH_WAIT_MS: \"soon\" is not an integer"), "\(refused.stderr)")
    }

    @Test func configListsEveryVariableTheSourcesRead() async throws {
        var read: Set<String> = []
        for (file, text) in try PackageFiles.swift(under: "Sources") where !file.hasSuffix("SettingsCatalogue.swift") {
            for match in text.matches(of: /"(BRIDGE_[A-Z_]+)"/) { read.insert(String(match.1)) }
        }
        let output = try await bridge.run(["config", "--json"])
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        let listed = Set(lines.compactMap { $0["name"] as? String })
        #expect(read.count >= 20)
        #expect(read.subtracting(listed).isEmpty, "read by Sources/ but missing from bridge config (SettingsCatalogue): \(read.subtracting(listed).sorted())")
        #expect(listed.subtracting(read).isEmpty, "listed by bridge config but read nowhere: \(listed.subtracting(read).sorted())")
    }
}
