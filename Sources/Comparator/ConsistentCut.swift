import KafkaClient

/// Decides which rows may be compared: only those both paths computed from the same input
/// offsets. Lag is never a mismatch: a row held back by a lagging partition is skipped, or
/// reported `stale` when that partition's lag outlasted the grace period.
package struct ConsistentCut: Sendable {
    package enum Verdict: Sendable, Equatable {
        case compare
        case lagging
        case stale
    }

    package let partitions: [TopicPartition: PartitionState]
    let messageEventsTopic: String

    package init(partitions: [TopicPartition: PartitionState], messageEventsTopic: String) {
        self.partitions = partitions
        self.messageEventsTopic = messageEventsTopic
    }

    /// A contact's verdict from the partitions holding its records (known to either path).
    package func contact(partitions held: [TopicPartition]) -> Verdict {
        var behind = false
        var stale = false
        for tp in held {
            let state = partitions[tp] ?? PartitionState(partition: tp, legacy: 0, stream: 0, streamSettled: true)
            if !state.atCut {
                behind = true
                if state.stale { stale = true }
            }
        }
        return stale ? .stale : (behind ? .lagging : .compare)
    }

    /// Campus-day rows mix contacts of every message-events partition, so all of them must be
    /// at the cut.
    package var campusDays: Verdict {
        let events = partitions.values.filter { $0.partition.topic == messageEventsTopic }
        if events.allSatisfy(\.atCut) { return .compare }
        return events.contains { !$0.atCut && $0.stale } ? .stale : .lagging
    }

    package var legacyLag: Int64 { partitions.values.reduce(0) { $0 + $1.legacyBehind } }
    package var streamLag: Int64 { partitions.values.reduce(0) { $0 + $1.streamBehind } }
}
