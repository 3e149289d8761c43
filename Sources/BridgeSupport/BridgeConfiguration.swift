import Foundation
import KafkaClient
import RedisClient
import ServiceSupport

/// Everything the bridge needs to know about its environment (contract section 4), read from
/// environment variables; command-line flags of the same meaning override them.
package struct BridgeConfiguration: Sendable {
    package var kafkaBrokers: String
    package var postgresURL: String
    package var redisURL: String
    /// Prepended to every topic, consumer group and Redis key, so several bridges (or tests)
    /// can share one set of services.
    package var topicPrefix: String
    /// host:port of the HTTP server (metrics, health, status page). Loopback by default.
    package var httpAddress: String
    /// Extra librdkafka properties (SASL, TLS, tuning), from BRIDGE_KAFKA_PROPERTIES as
    /// `name=value` pairs separated by commas or newlines.
    package var kafkaProperties: [String: String]
    /// Partitions of the topics `bridge topics` creates.
    package var partitions: Int
    package var tuning: Tuning
    /// Replicas of each partition of the topics `bridge topics` creates (1 suits the embedded
    /// broker; a production cluster wants 3).
    package var replicationFactor = 1
    /// Topic settings `bridge topics` creates the topics with (BRIDGE_TOPIC_CONFIG).
    package var topicConfigs: [TopicConfig] = []

    /// Consumer group names that differ from the defaults (`<prefix>stream`, `<prefix>legacy`,
    /// `<prefix>router`), from BRIDGE_STREAM_GROUP, BRIDGE_LEGACY_GROUP, BRIDGE_ROUTER_GROUP. The
    /// paths resume from their own stores, so a path can move to a new group without losing its
    /// place (the way out of a consumer group a broker wedged; docs/operations.md).
    package var groupOverrides = GroupOverrides()

    package struct GroupOverrides: Sendable {
        package var stream: String?
        package var legacy: String?
        package var router: String?
        package init() {}
    }

    package var streamGroup: String { groupOverrides.stream ?? topics.streamGroup }
    package var legacyGroup: String { groupOverrides.legacy ?? topics.legacyGroup }
    package var routerGroup: String { groupOverrides.router ?? topics.routerGroup }

    package struct Tuning: Sendable {
        /// A batch closes at this many records…
        package var batchSize: Int = 20000
        /// …or this long after its first record (the stream path; the legacy path takes what is
        /// fetched when its first record arrives).
        package var batchMaxAgeMillis: Int = 30
        /// How long a poll waits for a batch's first record before it checks for shutdown and idleness.
        package var batchWaitMillis: Int = 100
        /// Contact rows (and as many campus-day shares) the stream path keeps in memory per process.
        package var streamCacheRows: Int = 200_000
        package var sessionTimeoutMillis: Int = 10000
        /// Seconds between two rounds of `bridge run --shadow`.
        package var shadowIntervalSeconds: Int = 30
        /// A consume loop silent for this long makes `/livez` fail. Far above the longest batch
        /// (a legacy batch over a long history takes minutes), since failing it restarts the process.
        package var livenessSeconds: Int = 600
        package init() {}
    }

    package static let defaults = BridgeConfiguration(
        kafkaBrokers: "127.0.0.1:19092",
        postgresURL: "postgres://bridge:bridge@127.0.0.1:15432/bridge",
        redisURL: "redis://127.0.0.1:16379/0",
        topicPrefix: "",
        httpAddress: "127.0.0.1:9464",
        kafkaProperties: [:],
        partitions: 4,
        tuning: Tuning())

    package init(kafkaBrokers: String, postgresURL: String, redisURL: String, topicPrefix: String,
                httpAddress: String, kafkaProperties: [String: String], partitions: Int, tuning: Tuning) {
        self.kafkaBrokers = kafkaBrokers
        self.postgresURL = postgresURL
        self.redisURL = redisURL
        self.topicPrefix = topicPrefix
        self.httpAddress = httpAddress
        self.kafkaProperties = kafkaProperties
        self.partitions = partitions
        self.tuning = tuning
    }

    package struct Invalid: Error, CustomStringConvertible, Sendable {
        package var variable: String
        package var reason: String
        package var description: String { "configuration \(variable): \(reason)" }
    }

    /// Reads the BRIDGE_* variables; unset or empty variables keep their defaults.
    package static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BridgeConfiguration {
        var config = defaults
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let n = Int(text), range.contains(n) else { throw Invalid(variable: name, reason: "\"\(text)\" is not an integer in \(range)") }
            return n
        }
        if let v = value("BRIDGE_KAFKA_BROKERS") { config.kafkaBrokers = v }
        if let v = value("BRIDGE_POSTGRES_URL") { config.postgresURL = v }
        if let v = value("BRIDGE_REDIS_URL") { config.redisURL = v }
        if let v = environment["BRIDGE_TOPIC_PREFIX"] { config.topicPrefix = v }
        if let v = value("BRIDGE_HTTP") { config.httpAddress = v }
        if let v = value("BRIDGE_KAFKA_PROPERTIES") { config.kafkaProperties = try parseProperties(v) }
        if let n = try int("BRIDGE_PARTITIONS", 1...1024) { config.partitions = n }
        if let n = try int("BRIDGE_BATCH_SIZE", 1...1_000_000) { config.tuning.batchSize = n }
        if let n = try int("BRIDGE_BATCH_WAIT_MS", 0...60_000) { config.tuning.batchWaitMillis = n }
        if let n = try int("BRIDGE_BATCH_MAX_AGE_MS", 1...60_000) { config.tuning.batchMaxAgeMillis = n }
        if let n = try int("BRIDGE_STREAM_CACHE_ROWS", 1...100_000_000) { config.tuning.streamCacheRows = n }
        config.groupOverrides.stream = value("BRIDGE_STREAM_GROUP")
        config.groupOverrides.legacy = value("BRIDGE_LEGACY_GROUP")
        config.groupOverrides.router = value("BRIDGE_ROUTER_GROUP")
        if let n = try int("BRIDGE_SESSION_TIMEOUT_MS", 1000...300_000) { config.tuning.sessionTimeoutMillis = n }
        if let n = try int("BRIDGE_SHADOW_INTERVAL_SECONDS", 1...86_400) { config.tuning.shadowIntervalSeconds = n }
        if let n = try int("BRIDGE_LIVENESS_SECONDS", 10...86_400) { config.tuning.livenessSeconds = n }
        if let n = try int("BRIDGE_REPLICATION_FACTOR", 1...32_767) { config.replicationFactor = n }
        if let v = value("BRIDGE_TOPIC_CONFIG") { config.topicConfigs = try TopicConfig.parseList(v, variable: "BRIDGE_TOPIC_CONFIG") }
        return config
    }

    static func parseProperties(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in text.split(whereSeparator: { $0 == "," || $0.isNewline }) {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, !pair[0].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Invalid(variable: "BRIDGE_KAFKA_PROPERTIES", reason: "\"\(item)\" is not name=value")
            }
            result[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    package var topics: TopicNames { TopicNames(prefix: topicPrefix) }

    package var kafka: KafkaConfiguration {
        var properties = kafkaProperties
        if properties["session.timeout.ms"] == nil { properties["session.timeout.ms"] = String(tuning.sessionTimeoutMillis) }
        return KafkaConfiguration(brokers: kafkaBrokers, properties: properties)
    }

    package func redis() throws -> RedisConfiguration { try RedisConfiguration(url: redisURL) }

    /// The settings as an operator may see them: passwords redacted.
    package var redactedSummary: [(String, String)] {
        [("BRIDGE_KAFKA_BROKERS", kafkaBrokers),
         ("BRIDGE_POSTGRES_URL", ServiceURL.redact(postgresURL)),
         ("BRIDGE_REDIS_URL", ServiceURL.redact(redisURL)),
         ("BRIDGE_TOPIC_PREFIX", topicPrefix),
         ("BRIDGE_HTTP", httpAddress)]
    }
}
