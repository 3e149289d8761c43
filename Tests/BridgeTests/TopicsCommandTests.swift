import BridgeSupport
import Foundation
import KafkaClient
import Testing

/// `bridge topics` for a real cluster: replication factor and topic settings, the inputs'
/// co-partitioning, and `--check` against what the broker has. Each test has its own prefix.
@Suite struct TopicsCommandTests {
    static func bridge() -> (BridgeProcess, String) {
        let prefix = "t\(UInt32.random(in: 0...UInt32.max))."
        return (BridgeProcess(environment: ["BRIDGE_TOPIC_PREFIX": prefix, "BRIDGE_LOG_LEVEL": "warning"]), prefix)
    }

    @Test func createsWithSettingsAndChecksThem() async throws {
        let (bridge, prefix) = Self.bridge()
        let settings = ["--config", "retention.ms=3600000", "--config", "contact-summary:cleanup.policy=compact"]
        let created = try await bridge.run(["topics", "--partitions", "3", "--replication-factor", "1"] + settings)
        #expect(created.split(separator: "\n").count == 7)
        #expect(created.contains("created \(prefix)contacts (3 partitions, replication factor 1)"), "\(created)")

        // The broker has the settings that were asked, on the topics they were asked for.
        let described = try await KafkaAdmin(configuration: try BridgeConfiguration.fromEnvironment().kafka)
            .topicConfigs([prefix + "contact-summary", prefix + "contacts"])
        #expect(described[prefix + "contact-summary"]?["cleanup.policy"] == "compact")
        #expect(described[prefix + "contact-summary"]?["retention.ms"] == "3600000")
        #expect(described[prefix + "contacts"]?["retention.ms"] == "3600000")
        #expect(described[prefix + "contacts"]?["cleanup.policy"] != "compact")

        let same = try await bridge.runAllowingFailure(["topics", "--check", "--partitions", "3"] + settings)
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("ok      \(prefix)contact-summary (3 partitions, replication factor 1, cleanup.policy=compact, retention.ms=3600000)"),
                "\(same.stdout)")

        let other = try await bridge.runAllowingFailure(["topics", "--check", "--partitions", "6", "--replication-factor", "2",
                                                         "--config", "retention.ms=60000"])
        #expect(other.status == 1)
        #expect(other.stdout.contains("differs \(prefix)contacts: 3 partitions (asked 6); replication factor 1 (asked 2); retention.ms=3600000 (asked 60000)"),
                "\(other.stdout)")

        // Idempotent: a second run creates nothing and changes nothing.
        let again = try await bridge.run(["topics", "--partitions", "6"])
        #expect(again.contains("exists \(prefix)contacts (3 partitions, replication factor 1; not as asked, see bridge topics --check)"), "\(again)")
        #expect(!again.contains("created"))
    }

    @Test func missingTopicsAreReported() async throws {
        let (bridge, prefix) = Self.bridge()
        let check = try await bridge.runAllowingFailure(["topics", "--check"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("missing \(prefix)contacts") && check.stdout.contains("missing \(prefix)bridge.dead-letter"))
    }

    @Test func inputsWithDifferentPartitionCountsAreRefusedInOneLine() async throws {
        let (bridge, prefix) = Self.bridge()
        let admin = try KafkaAdmin(configuration: try BridgeConfiguration.fromEnvironment().kafka)
        try await admin.createTopics([prefix + "message-events"], partitions: 8)
        let result = try await bridge.runAllowingFailure(["topics", "--partitions", "4"])
        #expect(result.status != 0)
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("the input topics must have the same number of partitions (both are partitioned by contact_id): \(prefix)contacts has 4, \(prefix)message-events has 8"),
                "\(result.stderr)")
        let check = try await bridge.runAllowingFailure(["topics", "--check", "--partitions", "4"])
        #expect(check.status == 1 && check.stdout.contains("error   the input topics must have the same number of partitions"), "\(check.stdout)")
    }

    @Test func badSettingsAreNamed() async throws {
        let (bridge, _) = Self.bridge()
        let malformed = try await bridge.runAllowingFailure(["topics", "--config", "retention.ms"])
        #expect(malformed.status != 0 && malformed.stderr.contains("--config: \"retention.ms\" is not [topic:]name=value"), "\(malformed.stderr)")
        let unknown = try await bridge.runAllowingFailure(["topics", "--config", "contact-sumary:cleanup.policy=compact"])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown topic \"contact-sumary\""), "\(unknown.stderr)")
        var env = bridge
        env.environment["BRIDGE_REPLICATION_FACTOR"] = "0"
        let factor = try await env.runAllowingFailure(["topics"])
        #expect(factor.status != 0 && factor.stderr.contains("configuration BRIDGE_REPLICATION_FACTOR: \"0\" is not an integer in 1...32767"), "\(factor.stderr)")
    }

    @Test func topicSettingsForOneTopicOverrideThoseForAll() throws {
        let configs = try TopicConfig.parseList("retention.ms=1000, contact-summary:retention.ms=2000\ncleanup.policy=delete", variable: "BRIDGE_TOPIC_CONFIG")
        #expect(TopicConfig.effective(configs, forTopic: "contact-summary") == ["retention.ms": "2000", "cleanup.policy": "delete"])
        #expect(TopicConfig.effective(configs, forTopic: "contacts") == ["retention.ms": "1000", "cleanup.policy": "delete"])
        // A value may contain '=' and ':'; only the first '=' separates.
        let odd = try TopicConfig(parsing: "message.timestamp.type=a:b=c", source: "--config")
        #expect(odd.topic == nil && odd.name == "message.timestamp.type" && odd.value == "a:b=c")
    }
}
