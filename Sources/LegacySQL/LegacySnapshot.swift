import BridgeModel
import KafkaClient

/// The legacy store read in one REPEATABLE READ transaction, so the rows, the partitions each
/// contact's raw records came from and the applied offsets all describe the same instant: what
/// the comparator needs to know exactly which input offsets the rows reflect.
package struct LegacySnapshot: Sendable {
    /// Ordered by contact_id byte-wise.
    package var contacts: [ContactSummaryRow]
    /// Parallel to `contacts`: the input partitions holding the contact's raw records.
    package var contactPartitions: [[TopicPartition]]
    /// Ordered by campus_id byte-wise, then day.
    package var campusDaily: [CampusDailyRow]
    /// `legacy.applied_offsets`: the next offset to consume per input partition.
    package var appliedOffsets: [TopicPartition: Int64]

    package init(contacts: [ContactSummaryRow], contactPartitions: [[TopicPartition]],
                campusDaily: [CampusDailyRow], appliedOffsets: [TopicPartition: Int64]) {
        self.contacts = contacts
        self.contactPartitions = contactPartitions
        self.campusDaily = campusDaily
        self.appliedOffsets = appliedOffsets
    }
}

/// One bucket's contacts as the legacy store holds them (see `LegacyDigestSQL`).
package struct BucketDigest: Sendable, Equatable {
    package var contacts: Int64
    package var sum: Int64
}

/// The first read of a checksummed round, in one REPEATABLE READ transaction: the bucket sums
/// over every contact, and the campus-days (a few per campus and day: cheap at any size).
package struct LegacyDigestSums: Sendable {
    package var appliedOffsets: [TopicPartition: Int64]
    package var buckets: [Int: BucketDigest]
    /// Ordered by campus_id byte-wise, then day.
    package var campusDaily: [CampusDailyRow]
}
