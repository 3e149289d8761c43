import Foundation
import BridgeSupport
import KafkaClient

/// Produces a generated workload to the input topics in chunks, optionally paced to a rate,
/// reporting progress about once a second.
package struct WorkloadProducer: Sendable {
    package let producer: KafkaProducer
    package let topics: TopicNames

    package init(producer: KafkaProducer, topics: TopicNames) {
        self.producer = producer
        self.topics = topics
    }

    /// Returns the number of records produced. `progress` gets (sent, total, records/s).
    @discardableResult
    package func produce(_ generator: WorkloadGenerator, rate: Double? = nil,
                        progress: @Sendable (Int, Int, Double) -> Void = { _, _, _ in }) async throws -> Int {
        var all: [OutgoingRecord] = []
        try generator.generate { record in
            all.append(OutgoingRecord(topic: topics.name(of: record.topic), key: record.key, value: record.value))
        }
        return try await Self.send(all, with: producer, rate: rate, progress: progress)
    }

    /// Sends `records` in acknowledged chunks of 5,000, or paced to `rate` records/s in chunks
    /// of a tenth of a second. Returns the number sent; `progress` gets (sent, total,
    /// records/s) about once a second and at the end.
    @discardableResult
    package static func send(_ records: [OutgoingRecord], with producer: KafkaProducer, rate: Double? = nil,
                            progress: @Sendable (Int, Int, Double) -> Void = { _, _, _ in }) async throws -> Int {
        let chunkSize = rate.map { max(1, min(5000, Int($0 / 10))) } ?? 5000
        let start = ContinuousClock.now
        var lastReport = start
        var sent = 0
        for chunkStart in stride(from: 0, to: records.count, by: chunkSize) {
            let chunk = Array(records[chunkStart..<min(chunkStart + chunkSize, records.count)])
            try await producer.send(chunk)
            sent += chunk.count
            if let rate {
                // Pace to the requested rate: sleep until this many records are due.
                let due = start + .milliseconds(Int(Double(sent) / rate * 1000))
                if due > ContinuousClock.now { try await Task.sleep(until: due) }
            }
            if ContinuousClock.now - lastReport >= .seconds(1) {
                lastReport = ContinuousClock.now
                progress(sent, records.count, Double(sent) / (ContinuousClock.now - start).inSeconds)
            }
        }
        let seconds = (ContinuousClock.now - start).inSeconds
        progress(sent, records.count, seconds > 0 ? Double(sent) / seconds : 0)
        return sent
    }
}
