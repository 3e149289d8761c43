import KafkaClient

/// One key as a store holds it, read together with the input offsets that store has applied,
/// so the row is known to reflect exactly those offsets (what `bridge explain` judges).
package struct StoredKey<Row: Sendable>: Sendable {
    /// nil when the store has no row for the key.
    package var row: Row?
    /// The input partitions the store knows to hold the key's records (empty when it knows none).
    package var partitions: [TopicPartition]
    /// The next offset to read per input partition: everything before it is applied.
    package var appliedOffsets: [TopicPartition: Int64]

    package init(row: Row?, partitions: [TopicPartition], appliedOffsets: [TopicPartition: Int64]) {
        self.row = row
        self.partitions = partitions
        self.appliedOffsets = appliedOffsets
    }
}
