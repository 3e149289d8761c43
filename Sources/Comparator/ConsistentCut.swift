import KafkaClient

/// Decides which rows may be compared: only those both paths computed from the same input
/// offsets. Lag is never a mismatch: a row held back by a lagging partition is skipped, or
/// reported `stale` when that partition's lag outlasted the grace period.
public struct ConsistentCut: Sendable {
    public enum Verdict: Sendable, Equatable {
        case compare
        case lagging
        case stale
    }

    public let partitions: [TopicPartition: PartitionState]
    let messageEventsTopic: String
    /// Set when some stream contact holds message events of a batch in flight, which may
    /// already have changed campus-day counters.
    let messageEventsInFlight: Bool

    public init(partitions: [TopicPartition: PartitionState], messageEventsTopic: String, messageEventsInFlight: Bool) {
        self.partitions = partitions
        self.messageEventsTopic = messageEventsTopic
        self.messageEventsInFlight = messageEventsInFlight
    }

    /// A contact's verdict from the partitions holding its records (known to either path) and
    /// the stream's per-contact metadata (last applied offset per partition).
    public func contact(partitions held: [TopicPartition], streamLastApplied: [TopicPartition: Int64]) -> Verdict {
        var behind = false
        var stale = false
        for tp in held {
            let state = partitions[tp] ?? PartitionState(partition: tp, legacy: 0, stream: 0, streamSettled: true)
            let inFlight = (streamLastApplied[tp] ?? -1) >= state.stream
            if !state.atCut || inFlight {
                behind = true
                if state.stale { stale = true }
            }
        }
        return stale ? .stale : (behind ? .lagging : .compare)
    }

    /// Campus-day rows mix contacts of every message-events partition, so all of them must be
    /// at the cut.
    public var campusDays: Verdict {
        let events = partitions.values.filter { $0.partition.topic == messageEventsTopic }
        if events.allSatisfy(\.atCut) && !messageEventsInFlight { return .compare }
        return events.contains { !$0.atCut && $0.stale } ? .stale : .lagging
    }

    public var legacyLag: Int64 { partitions.values.reduce(0) { $0 + $1.legacyBehind } }
    public var streamLag: Int64 { partitions.values.reduce(0) { $0 + $1.streamBehind } }
}
