/// A partition of a topic.
package struct TopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var topic: String
    package var partition: Int32

    package init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    package static func < (a: TopicPartition, b: TopicPartition) -> Bool {
        (a.topic, a.partition) < (b.topic, b.partition)
    }

    package var description: String { "\(topic)[\(partition)]" }
}

package struct KafkaHeader: Sendable, Hashable {
    package var name: String
    package var value: [UInt8]?
    package init(_ name: String, _ value: [UInt8]?) {
        self.name = name
        self.value = value
    }
}

/// A consumed record. Key and value are nil for Kafka nulls (a tombstone has a nil value).
package struct KafkaRecord: Sendable, Hashable {
    package var topic: String
    package var partition: Int32
    package var offset: Int64
    package var key: [UInt8]?
    package var value: [UInt8]?
    /// The record's timestamp in milliseconds (producer create time or broker append time).
    package var timestampMillis: Int64?
    package var headers: [KafkaHeader]

    package init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
                timestampMillis: Int64? = nil, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.timestampMillis = timestampMillis
        self.headers = headers
    }

    package var topicPartition: TopicPartition { TopicPartition(topic, partition) }
}

/// A record to produce. Without a partition, the producer's partitioner hashes the key
/// (murmur2, like the Java client: `KafkaProducer.defaults`), so equal keys land on one partition.
package struct OutgoingRecord: Sendable, Hashable {
    package var topic: String
    package var key: [UInt8]?
    package var value: [UInt8]?
    package var headers: [KafkaHeader]
    package var partition: Int32?

    package init(topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    package init(topic: String, key: String, value: String) {
        self.init(topic: topic, key: Array(key.utf8), value: Array(value.utf8))
    }
}

extension Sequence where Element == KafkaRecord {
    /// Where a consumer resumes after these records: one past the highest offset seen in each
    /// partition. What a loop commits after a batch, and what a store records as applied.
    package var nextOffsets: [TopicPartition: Int64] {
        var next: [TopicPartition: Int64] = [:]
        for record in self { next[record.topicPartition] = Swift.max(next[record.topicPartition] ?? 0, record.offset + 1) }
        return next
    }
}
