import Foundation
import ServiceSupport
import KafkaClient
import Logging
import Metrics
import ServiceLifecycle

/// What a path does with the input: where it resumes, and how it applies one batch.
public protocol BatchProcessor: Sendable {
    /// The path's name in logs, metrics and dead letters ("legacy", "stream").
    var path: String { get }

    /// Where each newly assigned partition starts: the path's own record of what it applied
    /// (PostgreSQL for the legacy path, Redis for the stream path), which wins over Kafka's
    /// committed offsets in both directions. Runs on the consumer's thread inside the
    /// rebalance callback, so it may block; partitions it omits start from the group's commit.
    func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64]

    /// Applies one batch completely: state, outputs and dead letters. Returns only when the
    /// batch's effects are durable, so the loop may then commit its offsets.
    func process(_ batch: [KafkaRecord]) async throws

    /// Called once before the loop exits normally (drain outboxes, flush producers).
    func finish() async throws
}

/// The consume → process → commit loop both paths share, as a service-lifecycle `Service`.
///
/// A batch is polled, processed to the end and committed before the next poll; rebalance
/// callbacks only run inside poll, so partitions are never revoked under a batch in flight.
public struct InputLoop: Service {
    public let configuration: BridgeConfiguration
    public let groupId: String
    public let processor: any BatchProcessor
    public let exitWhenIdle: Bool
    public let logger: Logger

    public init(configuration: BridgeConfiguration, groupId: String, processor: any BatchProcessor,
                exitWhenIdle: Bool, logger: Logger) {
        self.configuration = configuration
        self.groupId = groupId
        self.processor = processor
        self.exitWhenIdle = exitWhenIdle
        self.logger = logger
    }

    public func run() async throws {
        let path = processor.path
        let processor = self.processor
        let logger = self.logger
        let consumer = try KafkaConsumer(
            configuration: configuration.kafka,
            options: .init(groupId: groupId, topics: configuration.topics.inputs,
                           startOffsets: { try processor.startOffsets(for: $0) },
                           onRebalance: { event in
                               PathActivity.shared.rebalanced(path, event)
                               logger.info("\(path): partitions \(event.kind.rawValue)",
                                           metadata: ["partitions": "\(event.partitions.map(\.description).joined(separator: ","))",
                                                      "start": "\(event.startOffsets.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: ","))"])
                           }))
        let records = Counter(label: "bridge_records_consumed_total", dimensions: [("path", path)])
        let batches = Counter(label: "bridge_batches_total", dimensions: [("path", path)])
        let batchSize = Recorder(label: "bridge_batch_size", dimensions: [("path", path)])
        let batchDuration = Metrics.Timer(label: "bridge_batch_duration_seconds", dimensions: [("path", path)], preferredDisplayUnit: .seconds)
        let commitFailures = Counter(label: "bridge_commit_failures_total", dimensions: [("path", path)])
        var applied = 0
        PathActivity.shared.started(path, reporting: [.polls, .assignments])
        // Every input partition: "idle" means all of them are consumed to their end, not just
        // the ones this member happens to own while a killed predecessor still holds the rest.
        var inputPartitions: Set<TopicPartition> = []
        if exitWhenIdle {
            let admin = try KafkaAdmin(configuration: configuration.kafka)
            for topic in configuration.topics.inputs { inputPartitions.formUnion(try await admin.partitions(of: topic)) }
        }

        do {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let batch = try await consumer.poll(maxRecords: configuration.tuning.batchSize,
                                                    maxWait: .milliseconds(configuration.tuning.batchWaitMillis))
                PathActivity.shared.polled(path)
                if batch.isEmpty {
                    if exitWhenIdle, isIdle(consumer, inputs: inputPartitions) { break }
                    continue
                }
                let started = ContinuousClock.now
                // A store or the broker unreachable for a while (a PostgreSQL restart) is waited
                // out, offering the same batch again: the path's store makes that exactly-once.
                try await ServiceOutage.retrying(path, logger: logger) { try await processor.process(batch) }
                var next: [TopicPartition: Int64] = [:]
                for record in batch { next[record.topicPartition] = max(next[record.topicPartition] ?? 0, record.offset + 1) }
                do {
                    try await consumer.commit(next)
                } catch {
                    // The path's own store is the source of truth for where to resume; a failed
                    // commit only means a restart re-reads records the store will skip.
                    commitFailures.increment()
                    logger.warning("\(path): offset commit failed (harmless, the store decides where to resume): \(error)")
                }
                records.increment(by: batch.count)
                batches.increment()
                batchSize.record(batch.count)
                batchDuration.recordNanoseconds((ContinuousClock.now - started).inNanoseconds)
                applied += batch.count
                PathActivity.shared.applied(path, records: batch.count)
            }
            try await ServiceOutage.retrying(path, logger: logger) { try await processor.finish() }
        } catch {
            PathActivity.shared.failed(path, error)
            await consumer.close()
            PathActivity.shared.stopped(path)
            throw error
        }
        await consumer.close()
        PathActivity.shared.stopped(path)
        logger.info("\(path): stopped", metadata: ["records": "\(applied)"])
    }

    /// Idle when this member owns every input partition and the last event of each was
    /// end-of-partition after `poll` returned nothing: all fetched records were processed and
    /// the broker had no more. Owning all of them matters after a kill -9: until the dead
    /// member's session expires the group may hand it half the partitions, and those are not
    /// consumed. Deliberately not a comparison with high watermarks, which the embedded broker
    /// undercounts for multi-record batches (it would declare idle mid-batch after a restart).
    /// So `--exit-when-idle` is for one instance per group (batch runs, tests).
    private func isIdle(_ consumer: KafkaConsumer, inputs: Set<TopicPartition>) -> Bool {
        let owned = consumer.assignment
        return !owned.isEmpty && owned == inputs && consumer.partitionsAtEnd == owned
    }
}
