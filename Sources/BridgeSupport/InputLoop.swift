import Foundation
import ServiceSupport
import KafkaClient
import Logging
import Metrics
import ServiceLifecycle

/// What a consumer of the bridge's topics does with them: the legacy path (its input topics),
/// the serving router (the paths' summary topics). The loop that drives it is `InputLoop`.
package protocol BatchProcessor: Sendable {
    /// The name in logs, metrics, probes and dead letters ("legacy", "router").
    var path: String { get }

    /// Whether this is one of the aggregation paths, whose batches the loop counts in the
    /// paths' metrics (`bridge_records_consumed_total` and the batch series, label `path`).
    /// The router forwards rows rather than applying input, and has metrics of its own.
    var isAggregationPath: Bool { get }

    /// Where each newly assigned partition starts: the path's own record of what it applied
    /// (PostgreSQL for the legacy path), which wins over Kafka's committed offsets in both
    /// directions. Runs on the consumer's thread inside the rebalance callback, so it may
    /// block; partitions it omits start from the group's commit.
    func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64]

    /// Runs once before the first poll (the router brings the serving topic in line with the
    /// rollout's position). Retried like a batch while a service is unreachable.
    func prepare() async throws

    /// Applies one batch completely: state, outputs and dead letters. Returns only when the
    /// batch's effects are durable, so the loop may then commit its offsets.
    func process(_ batch: [KafkaRecord]) async throws

    /// Runs after every poll, whether it returned records or not: work on a clock (the router
    /// re-reads the rollout's position). Retried like a batch.
    func afterPoll() async throws

    /// With `--exit-when-idle`, once this member owns every partition and all are at their
    /// end: how long that must last before the loop stops, or nil while it must not stop yet
    /// (the router waits for the paths of its process to finish publishing).
    func idleGrace() -> Duration?

    /// Called once before the loop exits normally (drain outboxes, flush producers).
    func finish() async throws

    /// Closes the processor's clients; called once when the loop ends, normally or not.
    func close() async
}

extension BatchProcessor {
    package var isAggregationPath: Bool { true }
    package func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] { [:] }
    package func prepare() async throws {}
    package func afterPoll() async throws {}
    package func idleGrace() -> Duration? { .zero }
    package func finish() async throws {}
    package func close() async {}
}

/// The consume → process → commit loop, as a service-lifecycle `Service`: the legacy path and
/// the serving router run on it (the stream path has a pipelined engine of its own).
///
/// A batch is polled, processed to the end and committed before the next poll; rebalance
/// callbacks only run inside poll, so partitions are never revoked under a batch in flight.
/// The loop owns its processor: it makes it inside `run()` (so clients are opened by the
/// service that uses them, and a service that never runs opens nothing) and closes it there.
package struct InputLoop: Service {
    package let configuration: BridgeConfiguration
    package let groupId: String
    package let topics: [String]
    package let maxWait: Duration
    package let exitWhenIdle: Bool
    package let logger: Logger
    private let makeProcessor: @Sendable () async throws -> any BatchProcessor

    /// `topics` default to the configuration's input topics, `maxWait` (how long a poll waits
    /// for records) to `BRIDGE_BATCH_WAIT_MS`.
    package init(configuration: BridgeConfiguration, groupId: String, topics: [String]? = nil, maxWait: Duration? = nil,
                exitWhenIdle: Bool, logger: Logger, makeProcessor: @escaping @Sendable () async throws -> any BatchProcessor) {
        self.configuration = configuration
        self.groupId = groupId
        self.topics = topics ?? configuration.topics.inputs
        self.maxWait = maxWait ?? .milliseconds(configuration.tuning.batchWaitMillis)
        self.exitWhenIdle = exitWhenIdle
        self.logger = logger
        self.makeProcessor = makeProcessor
    }

    /// A loop over a processor made by the caller (tests wrap one to observe it).
    package init(configuration: BridgeConfiguration, groupId: String, processor: any BatchProcessor,
                exitWhenIdle: Bool, logger: Logger) {
        self.init(configuration: configuration, groupId: groupId, exitWhenIdle: exitWhenIdle, logger: logger,
                  makeProcessor: { processor })
    }

    package func run() async throws {
        let processor = try await makeProcessor()
        do {
            try await consume(with: processor)
        } catch {
            await processor.close()
            throw error
        }
        await processor.close()
    }

    private func consume(with processor: any BatchProcessor) async throws {
        let path = processor.path
        let logger = self.logger
        let consumer = try KafkaConsumer(
            configuration: configuration.kafka,
            options: .init(groupId: groupId, topics: topics,
                           startOffsets: { try processor.startOffsets(for: $0) },
                           onRebalance: { event in
                               PathActivity.shared.rebalanced(path, event)
                               logger.info("\(path): partitions \(event.kind.rawValue)",
                                           metadata: ["partitions": "\(event.partitions.map(\.description).joined(separator: ","))",
                                                      "start": "\(event.startOffsets.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: ","))"])
                           }))
        let metrics = processor.isAggregationPath ? PathMetrics(path: path) : nil
        let commitFailures = processor.isAggregationPath ? Counter(label: "bridge_commit_failures_total", dimensions: [("path", path)]) : nil
        // A store or the broker unreachable for a while (a PostgreSQL restart) is waited out,
        // offering the same step again: each one is safe to repeat (the path's store makes a
        // batch exactly-once; the router forwards a record again rather than losing it).
        func retrying<T>(_ body: () async throws -> T) async throws -> T {
            try await ServiceOutage.retrying(path, logger: logger, body)
        }
        var applied = 0
        PathActivity.shared.started(path, reporting: [.polls, .assignments])
        // Every partition: "idle" means all of them are consumed to their end, not just the
        // ones this member happens to own while a killed predecessor still holds the rest.
        var allPartitions: Set<TopicPartition> = []
        if exitWhenIdle {
            let admin = try KafkaAdmin(configuration: configuration.kafka)
            for topic in topics { allPartitions.formUnion(try await admin.partitions(of: topic)) }
        }

        do {
            try await retrying { try await processor.prepare() }
            var idleSince: ContinuousClock.Instant?
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let batch = try await consumer.poll(maxRecords: configuration.tuning.batchSize, maxWait: maxWait)
                PathActivity.shared.polled(path)
                try await retrying { try await processor.afterPoll() }
                if batch.isEmpty {
                    if exitWhenIdle {
                        if !isIdle(consumer, partitions: allPartitions) {
                            idleSince = nil
                        } else if let grace = processor.idleGrace() {
                            let since = idleSince ?? ContinuousClock.now
                            idleSince = since
                            if ContinuousClock.now - since >= grace { break }
                        }
                    }
                    continue
                }
                idleSince = nil
                let started = ContinuousClock.now
                try await retrying { try await processor.process(batch) }
                do {
                    try await consumer.commit(batch.nextOffsets)
                } catch {
                    // The path's own store is the source of truth for where to resume (the
                    // router's output tolerates a record forwarded twice); a failed commit only
                    // means a restart re-reads records.
                    commitFailures?.increment()
                    logger.warning("\(path): offset commit failed (harmless: a restart reads those records again, and they are applied once): \(error)")
                }
                metrics?.applied(batch.count)
                metrics?.batchDuration.recordNanoseconds((ContinuousClock.now - started).inNanoseconds)
                applied += batch.count
                PathActivity.shared.applied(path, records: batch.count)
            }
            try await retrying { try await processor.finish() }
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

    /// Idle when this member owns every partition and the last event of each was
    /// end-of-partition after `poll` returned nothing: all fetched records were processed and
    /// the broker had no more. Owning all of them matters after a kill -9: until the dead
    /// member's session expires the group may hand it half the partitions, and those are not
    /// consumed. Deliberately not a comparison with high watermarks, which the embedded broker
    /// undercounts for multi-record batches (it would declare idle mid-batch after a restart).
    /// So `--exit-when-idle` is for one instance per group (batch runs, tests).
    private func isIdle(_ consumer: KafkaConsumer, partitions: Set<TopicPartition>) -> Bool {
        let owned = consumer.assignment
        return !owned.isEmpty && owned == partitions && consumer.partitionsAtEnd == owned
    }
}

/// The batch metrics every aggregation path records under its `path` label (this loop for the
/// legacy path, the stream engine for its own), so one dashboard panel shows both paths.
package struct PathMetrics: Sendable {
    package let records: Counter
    package let batches: Counter
    package let batchSize: Recorder
    package let batchDuration: Metrics.Timer

    package init(path: String) {
        records = Counter(label: "bridge_records_consumed_total", dimensions: [("path", path)])
        batches = Counter(label: "bridge_batches_total", dimensions: [("path", path)])
        batchSize = Recorder(label: "bridge_batch_size", dimensions: [("path", path)])
        batchDuration = Metrics.Timer(label: "bridge_batch_duration_seconds", dimensions: [("path", path)], preferredDisplayUnit: .seconds)
    }

    /// One applied batch of `count` records.
    package func applied(_ count: Int) {
        records.increment(by: count)
        batches.increment()
        batchSize.record(count)
    }
}
