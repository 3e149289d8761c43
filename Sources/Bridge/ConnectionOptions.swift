import ArgumentParser
import BridgeSupport

/// Flags that override the BRIDGE_* environment variables of the same meaning.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("kafka-brokers"), help: "Kafka bootstrap servers (BRIDGE_KAFKA_BROKERS).")
    var kafkaBrokers: String?

    @Option(name: .customLong("postgres-url"), help: "PostgreSQL URL (BRIDGE_POSTGRES_URL).")
    var postgresURL: String?

    @Option(name: .customLong("redis-url"), help: "Redis URL (BRIDGE_REDIS_URL).")
    var redisURL: String?

    @Option(name: .customLong("topic-prefix"), help: "Prefix of every topic, group and Redis key (BRIDGE_TOPIC_PREFIX).")
    var topicPrefix: String?

    @Option(name: .customLong("http"), help: "host:port of the HTTP server (BRIDGE_HTTP).")
    var http: String?

    /// The flags given on the command line (for `bridge config`'s sources).
    var givenFlags: Set<String> {
        let given: [(String, String?)] = [("--kafka-brokers", kafkaBrokers), ("--postgres-url", postgresURL), ("--redis-url", redisURL),
                                          ("--topic-prefix", topicPrefix), ("--http", http)]
        return Set(given.filter { $0.1 != nil }.map(\.0))
    }

    func configuration() throws -> BridgeConfiguration {
        var config = try BridgeConfiguration.fromEnvironment()
        if let kafkaBrokers { config.kafkaBrokers = kafkaBrokers }
        if let postgresURL { config.postgresURL = postgresURL }
        if let redisURL { config.redisURL = redisURL }
        if let topicPrefix { config.topicPrefix = topicPrefix }
        if let http { config.httpAddress = http }
        return config
    }
}
