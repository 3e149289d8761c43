import BridgeModel
import KafkaClient
import StreamAgg

/// The stream path's rows read from Redis, bracketed by two reads of its applied offsets.
///
/// A partition's rows always describe exactly its stored offsets (one atomic commit per batch),
/// but the walk over them is not atomic: a partition whose offsets moved during the read is
/// unsettled, and the cut leaves its rows out (see `ConsistentCut`).
package struct StreamSnapshot: Sendable {
    package var contacts: [StreamContact]
    package var campusDaily: [CampusDailyRow]
    /// The offsets read after the rows.
    package var appliedOffsets: [TopicPartition: Int64]
    /// Partitions whose offset changed between the read before and the read after the rows.
    package var unsettled: Set<TopicPartition>

    package static func read(_ store: StreamStore) async throws -> StreamSnapshot {
        let before = try await store.appliedOffsets()
        let days = try await store.campusDaily()
        let contacts = try await store.contacts()
        let after = try await store.appliedOffsets()
        var unsettled: Set<TopicPartition> = []
        for tp in Set(before.keys).union(after.keys) where before[tp] != after[tp] { unsettled.insert(tp) }
        return StreamSnapshot(contacts: contacts, campusDaily: days, appliedOffsets: after, unsettled: unsettled)
    }
}
