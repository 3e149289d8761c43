import BridgeSupport
import Foundation
import KafkaClient

/// Reads topics from the beginning to their current end with a throw-away consumer group.
enum TopicReader {
    struct Incomplete: Error, CustomStringConvertible {
        var missing: [TopicPartition]
        var description: String { "topics not read to their end: \(missing.map(\.description))" }
    }

    /// Every record of the topics, per partition in offset order.
    static func readAll(_ topics: [String], configuration: BridgeConfiguration) async throws -> [TopicPartition: [KafkaRecord]] {
        let admin = try KafkaAdmin(configuration: configuration.kafka)
        var partitions: [TopicPartition] = []
        for topic in topics { partitions += try await admin.partitions(of: topic) }
        let marks = try await admin.watermarks(partitions)
        var remaining = Set(partitions.filter { tp in marks[tp].map { $0.high > $0.low } ?? false })
        var result: [TopicPartition: [KafkaRecord]] = [:]
        if remaining.isEmpty { return result }

        let consumer = try KafkaConsumer(
            configuration: configuration.kafka,
            options: .init(groupId: configuration.topicPrefix + "reader-" + UUID().uuidString, topics: topics))
        // A guard against hanging the suite when something was never written, not a timing check.
        let deadline = ContinuousClock.now + .seconds(120)
        while !remaining.isEmpty && ContinuousClock.now < deadline {
            for record in try await consumer.poll(maxRecords: 10_000, maxWait: .milliseconds(200)) {
                result[record.topicPartition, default: []].append(record)
                if let mark = marks[record.topicPartition], record.offset >= mark.high - 1 {
                    remaining.remove(record.topicPartition)
                }
            }
        }
        await consumer.close()
        if !remaining.isEmpty { throw Incomplete(missing: remaining.sorted()) }
        return result.mapValues { $0.sorted { $0.offset < $1.offset } }
    }
}
