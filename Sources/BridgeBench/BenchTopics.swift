import BridgeSupport
import Foundation
import KafkaClient
import Workload

/// Reading topics back and producing records, for the benchmark's own bookkeeping (never
/// timed as a path).
enum BenchTopics {
    struct Incomplete: Error, CustomStringConvertible {
        var missing: [TopicPartition]
        var description: String { "topics not read to their end: \(missing.map(\.description))" }
    }

    /// The records of `topics` from `from` (default: the beginning) to the end of every
    /// partition, in the order the consumer returned them (partition order within each
    /// partition). "The end" is librdkafka's end-of-partition event, not the high watermark,
    /// which the embedded broker undercounts for multi-record batches.
    static func read(_ topics: [String], from: [TopicPartition: Int64] = [:], configuration: BridgeConfiguration,
                     timeout: Duration = .seconds(300)) async throws -> [KafkaRecord] {
        let admin = try KafkaAdmin(configuration: configuration.kafka)
        var partitions: Set<TopicPartition> = []
        for topic in topics { partitions.formUnion(try await admin.partitions(of: topic)) }
        let consumer = try KafkaConsumer(configuration: configuration.kafka, options: .init(
            groupId: configuration.topicPrefix + "bench-reader-" + UUID().uuidString, topics: topics,
            startOffsets: { Dictionary(uniqueKeysWithValues: $0.map { ($0, from[$0] ?? KafkaOffset.beginning) }) },
            properties: ["session.timeout.ms": "6000"]))
        var result: [KafkaRecord] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maxRecords: 10_000, maxWait: .milliseconds(200))
            result += batch
            if batch.isEmpty && consumer.assignment == partitions && consumer.partitionsAtEnd == partitions { break }
        }
        let missing = partitions.subtracting(consumer.partitionsAtEnd)
        await consumer.close()
        if !missing.isEmpty { throw Incomplete(missing: missing.sorted()) }
        return result
    }

    /// The next offset of every partition after `records` (what a later `read` starts from).
    static func nextOffsets(after records: [KafkaRecord], merging earlier: [TopicPartition: Int64] = [:]) -> [TopicPartition: Int64] {
        earlier.merging(records.nextOffsets, uniquingKeysWith: max)
    }

    /// The generator's records as outgoing records; `skipInitialContacts` drops the one CRM
    /// record per contact the generator starts with, for a continuation of an earlier workload.
    static func generated(_ generator: WorkloadGenerator, topics: TopicNames, skipInitialContacts: Bool = false) throws -> [OutgoingRecord] {
        var all: [OutgoingRecord] = []
        var index = 0
        try generator.generate { record in
            defer { index += 1 }
            if skipInitialContacts && index < generator.contacts { return }
            all.append(OutgoingRecord(topic: topics.name(of: record.topic), key: record.key, value: record.value))
        }
        return all
    }

    /// Sum of the high watermarks of a topic: only used to see whether output still grows.
    static func highWatermarkSum(_ topic: String, admin: KafkaAdmin) async throws -> Int64 {
        let marks = try await admin.watermarks(try await admin.partitions(of: topic))
        return marks.values.reduce(0) { $0 + $1.high }
    }
}
