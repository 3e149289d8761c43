import BridgeSupport
import Foundation
import KafkaClient

/// Reads topics from the beginning to their end with a throw-away consumer group, the way the
/// tests look at what a path produced.
///
/// "The end" is librdkafka's end-of-partition event on every partition, not the broker's high
/// watermark: the embedded broker undercounts watermarks for multi-record batches, and a reader
/// that stopped at them could miss the last records of a partition.
package enum TopicReader {
    package struct Incomplete: Error, CustomStringConvertible {
        package var missing: [TopicPartition]
        package var description: String { "topics not read to their end: \(missing.map(\.description))" }
    }

    /// Every record of the topics, per partition in offset order.
    package static func readAll(_ topics: [String], configuration: BridgeConfiguration) async throws -> [TopicPartition: [KafkaRecord]] {
        let admin = try KafkaAdmin(configuration: configuration.kafka)
        var partitions: Set<TopicPartition> = []
        for topic in topics { partitions.formUnion(try await admin.partitions(of: topic)) }
        let consumer = try KafkaConsumer(configuration: configuration.kafka, options: .init(
            groupId: configuration.topicPrefix + "reader-" + UUID().uuidString, topics: topics,
            startOffsets: { Dictionary(uniqueKeysWithValues: $0.map { ($0, KafkaOffset.beginning) }) },
            properties: ["session.timeout.ms": "6000"]))
        var result: [TopicPartition: [KafkaRecord]] = [:]
        // A guard against hanging the suite when something was never written, not a timing check.
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maxRecords: 10_000, maxWait: .milliseconds(200))
            for record in batch { result[record.topicPartition, default: []].append(record) }
            if batch.isEmpty && consumer.assignment == partitions && consumer.partitionsAtEnd == partitions { break }
        }
        let missing = partitions.subtracting(consumer.partitionsAtEnd)
        await consumer.close()
        if !missing.isEmpty { throw Incomplete(missing: missing.sorted()) }
        return result.mapValues { $0.sorted { $0.offset < $1.offset } }
    }

    /// The last value per key of a topic, in partition order: what a compacted consumer of an
    /// output topic holds. Records without a key are ignored; a tombstone keeps an empty value.
    package static func lastValues(_ topic: String, configuration: BridgeConfiguration) async throws -> [[UInt8]: [UInt8]] {
        var last: [[UInt8]: [UInt8]] = [:]
        for (_, records) in try await readAll([topic], configuration: configuration).sorted(by: { $0.key < $1.key }) {
            for record in records { if let key = record.key { last[key] = record.value ?? [] } }
        }
        return last
    }
}
