import BridgeModel
import KafkaClient
import StreamAgg

/// The stream path's state read from Redis, bracketed by two reads of its applied offsets.
///
/// The stream path writes state before it advances `<p>offsets:stream`, so the state may run
/// ahead of the offsets (a batch in flight). Partitions whose offset moved during the read are
/// unsettled; a contact whose `o:` metadata reaches the recorded offset holds records of a
/// batch in flight. Both are left out of the cut (see `ConsistentCut`).
public struct StreamSnapshot: Sendable {
    public var contacts: [StoredContact]
    public var campusDaily: [CampusDailyRow]
    /// The offsets read after the rows.
    public var appliedOffsets: [TopicPartition: Int64]
    /// Partitions whose offset changed between the read before and the read after the rows.
    public var unsettled: Set<TopicPartition>

    public init(contacts: [StoredContact], campusDaily: [CampusDailyRow], appliedOffsets: [TopicPartition: Int64],
                unsettled: Set<TopicPartition>) {
        self.contacts = contacts
        self.campusDaily = campusDaily
        self.appliedOffsets = appliedOffsets
        self.unsettled = unsettled
    }

    /// Reads offsets, campus-days, contacts, offsets again. Days come before contacts: a fold
    /// that touched a day already read also touched a contact read afterwards, whose metadata
    /// then shows it (or the offsets moved), so the day rows are never trusted past the cut.
    public static func read(_ export: StreamExport) async throws -> StreamSnapshot {
        let before = try await export.appliedOffsets()
        let days = try await export.campusDaily()
        let contacts = try await export.contactsWithAppliedOffsets()
        let after = try await export.appliedOffsets()
        var unsettled: Set<TopicPartition> = []
        for tp in Set(before.keys).union(after.keys) where before[tp] != after[tp] { unsettled.insert(tp) }
        return StreamSnapshot(contacts: contacts, campusDaily: days, appliedOffsets: after, unsettled: unsettled)
    }
}
