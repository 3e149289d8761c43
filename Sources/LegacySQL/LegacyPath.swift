import BridgeSupport
import KafkaClient
import Logging
import PostgresClient

/// The legacy path's entry point for the CLI: wires PostgreSQL, a producer and the processor
/// into the shared input loop.
package enum LegacyPath {
    /// The path's name in logs, metrics and dead letters.
    package static let name = "legacy"

    /// The loop consuming the inputs as the legacy consumer group. It connects to PostgreSQL
    /// and the broker when it runs (failing with the service and address when it cannot) and
    /// closes them when it stops.
    package static func makeService(configuration: BridgeConfiguration, exitWhenIdle: Bool, logger: Logger) -> InputLoop {
        InputLoop(configuration: configuration, groupId: configuration.legacyGroup, exitWhenIdle: exitWhenIdle, logger: logger) {
            try await makeProcessor(configuration: configuration, logger: logger)
        }
    }

    /// The processor alone, for callers that run it under another consumer group.
    package static func makeProcessor(configuration: BridgeConfiguration, logger: Logger) async throws -> LegacyProcessor {
        let postgres = try await PostgresClient(url: configuration.postgresURL, name: "legacy-postgres")
        let producer: KafkaProducer
        do {
            producer = try KafkaProducer(configuration: configuration.kafka)
        } catch {
            postgres.close()
            throw error
        }
        let relay = OutboxRelay(postgres: postgres, producer: producer, topics: configuration.topics)
        return LegacyProcessor(postgres: postgres, relay: relay, topics: configuration.topics, logger: logger)
    }
}
