import BridgeModel
import KafkaClient

/// A contact's summary together with its applied-offset metadata (the `o:<topic>|<partition>`
/// fields of its state hash), read atomically, so the comparator knows which input offsets the
/// row reflects.
public struct StoredContact: Sendable {
    public var row: ContactSummaryRow
    /// The offset of the last record applied to this contact, per input partition.
    public var lastApplied: [TopicPartition: Int64]

    public init(row: ContactSummaryRow, lastApplied: [TopicPartition: Int64]) {
        self.row = row
        self.lastApplied = lastApplied
    }
}
