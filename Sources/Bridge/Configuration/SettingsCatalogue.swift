import BridgeSupport
import Comparator
import Foundation
import Logging
import Rollout
import SchemaMigrations
import ServiceSupport

/// Every setting the bridge reads (its BRIDGE_* variables), with the flag that overrides it and
/// how to show its effective value: what `bridge config` prints. A new variable needs one entry
/// here; `ConfigCommandTests` fails for any BRIDGE_* name in Sources/ that has none.
enum SettingsCatalogue {
    /// The parsed settings every command works from; building them validates every variable.
    struct Effective {
        var bridge: BridgeConfiguration
        var comparator: ComparatorSettings
        var gate: RolloutGate
        var environment: [String: String]
    }

    struct Setting: Sendable {
        var variable: String
        /// The command-line flag of the same meaning, where there is one (ConnectionOptions).
        var flag: String?
        var meaning: String
        var value: @Sendable (Effective) -> String
    }

    static let all: [Setting] = [
        Setting(variable: "BRIDGE_KAFKA_BROKERS", flag: "--kafka-brokers", meaning: "Kafka bootstrap servers") { $0.bridge.kafkaBrokers },
        Setting(variable: "BRIDGE_KAFKA_PROPERTIES", meaning: "extra librdkafka properties for every Kafka client") {
            redactedProperties($0.bridge.kafkaProperties)
        },
        Setting(variable: "BRIDGE_POSTGRES_URL", flag: "--postgres-url", meaning: "PostgreSQL (libpq URI)") { ServiceURL.redact($0.bridge.postgresURL) },
        Setting(variable: "BRIDGE_REDIS_URL", flag: "--redis-url", meaning: "Redis") { ServiceURL.redact($0.bridge.redisURL) },
        Setting(variable: "BRIDGE_TOPIC_PREFIX", flag: "--topic-prefix", meaning: "prefix of every topic, consumer group and Redis key") {
            $0.bridge.topicPrefix
        },
        Setting(variable: "BRIDGE_HTTP", flag: "--http", meaning: "host:port of the HTTP server of bridge run") { $0.bridge.httpAddress },
        Setting(variable: "BRIDGE_PARTITIONS", meaning: "partitions of the topics bridge topics creates") { "\($0.bridge.partitions)" },
        Setting(variable: "BRIDGE_REPLICATION_FACTOR", meaning: "replicas of each partition of the topics bridge topics creates") {
            "\($0.bridge.replicationFactor)"
        },
        Setting(variable: "BRIDGE_TOPIC_CONFIG", meaning: "topic settings bridge topics creates topics with") {
            $0.bridge.topicConfigs.map(\.description).joined(separator: ",")
        },
        Setting(variable: "BRIDGE_BATCH_SIZE", meaning: "a batch closes at this many records") { "\($0.bridge.tuning.batchSize)" },
        Setting(variable: "BRIDGE_BATCH_MAX_AGE_MS", meaning: "... or, on the stream path, this long after its first record") {
            "\($0.bridge.tuning.batchMaxAgeMillis)"
        },
        Setting(variable: "BRIDGE_BATCH_WAIT_MS", meaning: "how long a poll waits for a batch's first record") { "\($0.bridge.tuning.batchWaitMillis)" },
        Setting(variable: "BRIDGE_STREAM_CACHE_ROWS", meaning: "contact rows the stream path keeps in memory") { "\($0.bridge.tuning.streamCacheRows)" },
        Setting(variable: "BRIDGE_STREAM_GROUP", meaning: "consumer group of the stream path") { $0.bridge.streamGroup },
        Setting(variable: "BRIDGE_LEGACY_GROUP", meaning: "consumer group of the legacy path") { $0.bridge.legacyGroup },
        Setting(variable: "BRIDGE_ROUTER_GROUP", meaning: "consumer group of the serving router") { $0.bridge.routerGroup },
        Setting(variable: "BRIDGE_SESSION_TIMEOUT_MS", meaning: "consumer session.timeout.ms unless BRIDGE_KAFKA_PROPERTIES sets it") {
            "\($0.bridge.tuning.sessionTimeoutMillis)"
        },
        Setting(variable: "BRIDGE_SHADOW_INTERVAL_SECONDS", meaning: "seconds between rounds of bridge run --shadow") {
            "\($0.bridge.tuning.shadowIntervalSeconds)"
        },
        Setting(variable: "BRIDGE_LIVENESS_SECONDS", meaning: "a consume loop silent this long fails /livez") { "\($0.bridge.tuning.livenessSeconds)" },
        Setting(variable: "BRIDGE_COMPARE_IGNORE", meaning: "fields the comparator skips") { $0.comparator.rules.ignored.sorted().joined(separator: ",") },
        Setting(variable: "BRIDGE_COMPARE_TOLERANCE", meaning: "integer fields equal within N") {
            $0.comparator.rules.tolerance.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        },
        Setting(variable: "BRIDGE_COMPARE_GRACE_SECONDS", meaning: "lag older than this is stale") { number($0.comparator.graceSeconds) },
        Setting(variable: "BRIDGE_COMPARE_SAMPLE_LIMIT", meaning: "discrepancies listed per round and group") { "\($0.comparator.sampleLimit)" },
        Setting(variable: "BRIDGE_COMPARE_VERIFY_EVERY", meaning: "bridge run --shadow verifies the stream's digest sums every N rounds") {
            "\($0.comparator.verifyEvery)"
        },
        Setting(variable: "BRIDGE_COMPARE_JUDGE_LIMIT", meaning: "mismatches per round judged against the input log (0: none)") {
            "\($0.comparator.judgeLimit)"
        },
        Setting(variable: "BRIDGE_COMPARE_JUDGE_MAX_RECORDS", meaning: "a judgement needing more input records is undetermined") {
            "\($0.comparator.judgeMaxRecords)"
        },
        Setting(variable: "BRIDGE_GATE_ROUNDS", meaning: "newest rounds that must be clean for the gate") { "\($0.gate.rounds)" },
        Setting(variable: "BRIDGE_GATE_MIN_KEYS", meaning: "contacts each of those rounds must compare") { "\($0.gate.minKeys)" },
        Setting(variable: "BRIDGE_LOG_LEVEL", meaning: "log level of bridge run and bridge demo") { effective in
            guard let text = effective.environment["BRIDGE_LOG_LEVEL"], !text.isEmpty else { return "info (warning for bridge demo)" }
            return Logger.Level(rawValue: text) == nil ? "info (\"\(text)\" is not a level and is ignored)" : text
        },
        Setting(variable: "BRIDGE_MIGRATIONS_DIR", meaning: "folder bridge migrate reads") { Migrator.defaultDirectory(environment: $0.environment).path },
    ]

    /// librdkafka properties with the values of secrets (passwords, keys, tokens) hidden.
    static func redactedProperties(_ properties: [String: String]) -> String {
        properties.sorted { $0.key < $1.key }.map { name, value in
            let secret = ["password", "secret", "token", "jaas", ".pem", "oauthbearer.config"].contains { name.lowercased().contains($0) }
            return "\(name)=\(secret ? "***" : value)"
        }.joined(separator: ",")
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
