/// A partition of a topic.
public struct TopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (a: TopicPartition, b: TopicPartition) -> Bool {
        (a.topic, a.partition) < (b.topic, b.partition)
    }

    public var description: String { "\(topic)[\(partition)]" }
}

public struct KafkaHeader: Sendable, Hashable {
    public var name: String
    public var value: [UInt8]?
    public init(_ name: String, _ value: [UInt8]?) {
        self.name = name
        self.value = value
    }
}

/// A consumed record. Key and value are nil for Kafka nulls (a tombstone has a nil value).
public struct KafkaRecord: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    /// The record's timestamp in milliseconds (producer create time or broker append time).
    public var timestampMillis: Int64?
    public var headers: [KafkaHeader]

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
                timestampMillis: Int64? = nil, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.timestampMillis = timestampMillis
        self.headers = headers
    }

    public var topicPartition: TopicPartition { TopicPartition(topic, partition) }
}

/// A record to produce. Without a partition, the producer's partitioner hashes the key
/// (murmur2, like the Java client: `KafkaProducer.defaults`), so equal keys land on one partition.
public struct OutgoingRecord: Sendable, Hashable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    public var partition: Int32?

    public init(topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    public init(topic: String, key: String, value: String) {
        self.init(topic: topic, key: Array(key.utf8), value: Array(value.utf8))
    }
}

extension Sequence where Element == KafkaRecord {
    /// Where a consumer resumes after these records: one past the highest offset seen in each
    /// partition. What a loop commits after a batch, and what a store records as applied.
    public var nextOffsets: [TopicPartition: Int64] {
        var next: [TopicPartition: Int64] = [:]
        for record in self { next[record.topicPartition] = Swift.max(next[record.topicPartition] ?? 0, record.offset + 1) }
        return next
    }
}
