import Foundation
import KafkaClient

/// Produces a generated workload to the input topics in chunks, optionally paced to a rate,
/// reporting progress about once a second.
public struct WorkloadProducer: Sendable {
    public let producer: KafkaProducer
    public let topics: TopicNames

    public init(producer: KafkaProducer, topics: TopicNames) {
        self.producer = producer
        self.topics = topics
    }

    /// Returns the number of records produced. `progress` gets (sent, total, records/s).
    @discardableResult
    public func produce(_ generator: WorkloadGenerator, rate: Double? = nil,
                        progress: @Sendable (Int, Int, Double) -> Void = { _, _, _ in }) async throws -> Int {
        var all: [OutgoingRecord] = []
        try generator.generate { record in
            all.append(OutgoingRecord(topic: topics.name(of: record.topic), key: record.key, value: record.value))
        }
        let chunkSize = rate.map { max(1, min(5000, Int($0 / 10))) } ?? 5000
        let start = ContinuousClock.now
        var lastReport = start
        var sent = 0
        for chunkStart in stride(from: 0, to: all.count, by: chunkSize) {
            let chunk = Array(all[chunkStart..<min(chunkStart + chunkSize, all.count)])
            try await producer.send(chunk)
            sent += chunk.count
            if let rate {
                // Pace to the requested rate: sleep until this many records are due.
                let due = start + .milliseconds(Int(Double(sent) / rate * 1000))
                if due > ContinuousClock.now { try await Task.sleep(until: due) }
            }
            if ContinuousClock.now - lastReport >= .seconds(1) {
                lastReport = ContinuousClock.now
                progress(sent, all.count, Double(sent) / (ContinuousClock.now - start).inSeconds)
            }
        }
        let seconds = (ContinuousClock.now - start).inSeconds
        progress(sent, all.count, seconds > 0 ? Double(sent) / seconds : 0)
        return sent
    }
}
