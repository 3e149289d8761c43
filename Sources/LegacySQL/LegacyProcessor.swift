import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import Logging
import PostgresClient
import ServiceSupport

/// The legacy worker: each batch is one PostgreSQL transaction of per-record procedure calls,
/// dead letters and applied offsets, followed by a relay of the outboxes it filled.
package struct LegacyProcessor: BatchProcessor {
    package var path: String { LegacyPath.name }
    package let postgres: PostgresClient
    package let relay: OutboxRelay
    package let topics: TopicNames
    package let logger: Logger

    /// Deadlocks between concurrent workers are expected (see 0002_legacy_procedures.sql) and
    /// resolve on retry, quickly and without the outage warning; the bound only stops a
    /// pathological livelock (the error then goes up like any other).
    static let conflictRetries = RetryPolicy(firstDelay: .milliseconds(5), maxDelay: .milliseconds(500), maxAttempts: 20)

    package init(postgres: PostgresClient, relay: OutboxRelay, topics: TopicNames, logger: Logger) {
        self.postgres = postgres
        self.relay = relay
        self.topics = topics
        self.logger = logger
    }

    package func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        let wanted = Set(partitions)
        // The table holds one row per partition ever consumed: small enough to read whole.
        let stored = try postgres.withConnectionBlocking { conn in
            try conn.query("SELECT source_topic, kafka_partition, next_offset FROM legacy.applied_offsets")
                .map { r in (TopicPartition(try r.string(0), Int32(try r.int(1))), try r.int(2)) }
        }
        var result: [TopicPartition: Int64] = [:]
        for (tp, offset) in stored where wanted.contains(tp) { result[tp] = offset }
        return result
    }

    package func process(_ batch: [KafkaRecord]) async throws {
        if batch.isEmpty { return }
        let (statements, rejected) = LegacyStatements.forBatch(batch, topics: topics)
        try await Self.conflictRetries.run(
            retryingIf: { ($0 as? PostgresError)?.isConflict == true },
            onRetry: { retry in
                logger.warning("legacy: batch transaction aborted, retrying",
                               metadata: ["error": "\(retry.error)", "attempt": "\(retry.attempt)"])
            }
        ) {
            try await postgres.withConnection { conn in
                try conn.transaction { _ = try $0.pipeline(statements) }
            }
        }
        if rejected > 0 { logger.debug("legacy: dead-lettered \(rejected) invalid records") }
        try await relay.drain()
    }

    package func finish() async throws {
        try await relay.drain()
        try await relay.producer.flush()
    }

    package func close() async {
        await relay.producer.close()
        postgres.close()
    }
}
