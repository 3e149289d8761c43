import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import Logging
import PostgresClient

/// The legacy worker: each batch is one PostgreSQL transaction of per-record procedure calls,
/// dead letters and applied offsets, followed by a relay of the outboxes it filled.
public struct LegacyProcessor: BatchProcessor {
    public var path: String { LegacyPath.name }
    public let postgres: PostgresClient
    public let relay: OutboxRelay
    public let topics: TopicNames
    public let logger: Logger

    /// Deadlocks between concurrent workers are expected (see 0002_legacy_procedures.sql) and
    /// resolve on retry; this bound only stops a pathological livelock.
    static let maxAttempts = 20

    public init(postgres: PostgresClient, relay: OutboxRelay, topics: TopicNames, logger: Logger) {
        self.postgres = postgres
        self.relay = relay
        self.topics = topics
        self.logger = logger
    }

    public func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
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

    public func process(_ batch: [KafkaRecord]) async throws {
        if batch.isEmpty { return }
        let (statements, rejected) = LegacyStatements.forBatch(batch, topics: topics)
        var attempt = 1
        while true {
            do {
                try await postgres.withConnection { conn in
                    try conn.transaction { _ = try $0.pipeline(statements) }
                }
                break
            } catch let error as PostgresError where Self.isRetryable(error) && attempt < Self.maxAttempts {
                logger.warning("legacy: batch transaction aborted, retrying",
                               metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...50) * attempt))
                attempt += 1
            }
        }
        if rejected > 0 { logger.debug("legacy: dead-lettered \(rejected) invalid records") }
        try await relay.drain()
    }

    public func finish() async throws {
        try await relay.drain()
        try await relay.producer.flush()
    }

    static func isRetryable(_ error: PostgresError) -> Bool {
        error.sqlState == "40P01" || error.sqlState == "40001"
    }
}
