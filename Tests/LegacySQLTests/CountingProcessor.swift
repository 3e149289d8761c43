import BridgeSupport
import Foundation
import KafkaClient

/// Wraps a processor to count the records the loop hands it, so a test can tell "nothing was
/// re-read" apart from "re-read but idempotent".
struct CountingProcessor: BatchProcessor {
    let inner: any BatchProcessor
    let counter = RecordCounter()

    var path: String { inner.path }

    func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        try inner.startOffsets(for: partitions)
    }

    func process(_ batch: [KafkaRecord]) async throws {
        counter.add(batch.count)
        try await inner.process(batch)
    }

    func finish() async throws { try await inner.finish() }

    func close() async { await inner.close() }
}

final class RecordCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0 // guarded by lock

    func add(_ n: Int) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}
