import KafkaClient

/// Reads a topic from the beginning to its current end and keeps the last value per key: what a
/// compacted consumer of an output topic would hold.
enum OutputTopicReader {
    static func lastValues(topic: String, configuration: KafkaConfiguration, groupId: String) async throws -> [[UInt8]: [UInt8]] {
        let admin = try KafkaAdmin(configuration: configuration)
        let partitions = try await admin.partitions(of: topic)
        let marks = try await admin.watermarks(partitions)
        var remaining = Set(partitions.filter { (marks[$0]?.high ?? 0) > (marks[$0]?.low ?? 0) })
        var last: [[UInt8]: [UInt8]] = [:]
        if remaining.isEmpty { return last }
        let consumer = try KafkaConsumer(configuration: configuration, options: .init(groupId: groupId, topics: [topic]))
        while !remaining.isEmpty {
            for record in try await consumer.poll(maxRecords: 1000, maxWait: .milliseconds(200)) {
                if let key = record.key { last[key] = record.value ?? [] }
                if let mark = marks[record.topicPartition], record.offset + 1 >= mark.high { remaining.remove(record.topicPartition) }
            }
        }
        await consumer.close()
        return last
    }
}
