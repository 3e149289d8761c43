import BridgeSupport
import KafkaClient
import Logging

/// The stream engine's batch step without a consumer group, for the benchmarks and tests that
/// hand it batches themselves: the same claim, fold, commit and publish as `bridge run`, one
/// batch after the other (no overlap). Not for concurrent use.
package final class StreamBatchDriver {
    let worker: StreamWorker
    let clients: EngineClients
    let folder: BatchFolder
    let cacheRows: Int

    /// Connects and claims `partitions` of `partitionCount` (all of them by default).
    package init(configuration: BridgeConfiguration, partitionCount: Int, partitions: [Int32]? = nil, logger: Logger) async throws {
        clients = try await EngineClients.connect(redis: try configuration.redis(), kafka: configuration.kafka)
        worker = StreamWorker(configuration: configuration, clients: clients, partitionCount: partitionCount,
                              metrics: StreamEngineMetrics(), logger: logger)
        folder = worker.makeFolder()
        cacheRows = configuration.tuning.streamCacheRows
        let topics = configuration.topics
        let claimed = partitions ?? (0..<Int32(partitionCount)).map { $0 }
        _ = try await worker.claim(claimed.flatMap { [TopicPartition(topics.contacts, $0), TopicPartition(topics.messageEvents, $0)] })
    }

    /// Folds, commits and publishes one batch. Records before a partition's stored offsets must
    /// not be in it: the commit would be refused as not starting where the partition stands.
    package func apply(_ batch: [KafkaRecord]) async throws {
        let folded = try await fold(batch)
        try await worker.commit(folded)
        try await worker.publish(folded)
    }

    /// The fold alone, for tests that stop a batch midway.
    func fold(_ batch: [KafkaRecord]) async throws -> FoldedBatch {
        folder.own(worker.ownership.current, cacheLimit: cacheRows)
        return try await folder.fold(batch, committedThrough: worker.committed.value)
    }

    package func close() async {
        await clients.flush()
        clients.close()
    }
}
