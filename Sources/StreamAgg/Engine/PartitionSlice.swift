import BridgeModel
import BridgeSupport
import KafkaClient

/// One partition pair's records of a polled batch, decoded, in batch order (which is offset
/// order within each input partition; the order across the two topics does not matter to any
/// definition). Invalid records are set aside for the dead-letter topic.
struct PartitionSlice: Sendable {
    struct Entry: Sendable {
        var topic: InputTopic
        var offset: Int64
        var timestampMillis: Int64?
        var record: InputRecord
        /// For events: the seen members the fold asks about, computed once.
        var members: EventMembers?
    }

    struct EventMembers: Sendable {
        var event: [UInt8]
        var campaign: [UInt8]?
        var day: CampusDayKey
        var active: [UInt8]
    }

    let partition: Int32
    var entries: [Entry] = []
    var rejected: [(KafkaRecord, Rejection)] = []
    /// The next offset after this slice's last record, per input (valid or not).
    var next = NextOffsets()

    init(partition: Int32) { self.partition = partition }

    /// Splits a batch by partition pair and decodes it.
    static func split(_ batch: [KafkaRecord], topics: TopicNames) -> [Int32: PartitionSlice] {
        var slices: [Int32: PartitionSlice] = [:]
        for record in batch {
            guard let topic = topics.input(record.topic) else { continue }
            var slice = slices[record.partition] ?? PartitionSlice(partition: record.partition)
            slice.next[topic] = max(slice.next[topic] ?? 0, record.offset + 1)
            switch RecordDecoder.decode(topic: topic, key: record.key, value: record.value) {
            case .failure(let rejection):
                slice.rejected.append((record, rejection))
            case .success(let input):
                var members: EventMembers?
                if case .event(let e) = input {
                    let day = CampusDayKey(campusId: e.campusId, day: e.at.utcDay)
                    members = EventMembers(
                        event: SeenMember.event(contact: e.contactId, eventId: e.eventId),
                        campaign: e.kind == .sent ? e.campaignId.map { SeenMember.campaign(contact: e.contactId, campaignId: $0) } : nil,
                        day: day, active: SeenMember.active(contact: e.contactId, day: day))
                }
                slice.entries.append(Entry(topic: topic, offset: record.offset, timestampMillis: record.timestampMillis,
                                           record: input, members: members))
            }
            slices[record.partition] = slice
        }
        return slices
    }

    /// The distinct contacts of the slice, first-seen order.
    var contactIds: [String] {
        var seen: Set<ByteKey> = []
        var out: [String] = []
        for entry in entries where seen.insert(ByteKey(entry.record.contactId)).inserted { out.append(entry.record.contactId) }
        return out
    }

    /// The distinct seen members the fold may ask about.
    var candidateMembers: [[UInt8]] {
        var set: Set<[UInt8]> = []
        for case let m? in entries.map(\.members) {
            set.insert(m.event)
            set.insert(m.active)
            if let c = m.campaign { set.insert(c) }
        }
        return Array(set)
    }

    var touchedDays: Set<CampusDayKey> {
        Set(entries.compactMap { $0.members?.day })
    }
}
