import BridgeModel
import BridgeSupport
import KafkaClient

/// One partition pair's records of a polled batch, decoded, in batch order (which is offset
/// order within each input partition; the order across the two topics does not matter to any
/// definition). Invalid records are set aside for the dead-letter topic.
struct PartitionSlice: Sendable {
    struct Entry: Sendable {
        var offset: Int64
        var timestampMillis: Int64?
        var record: InputRecord
        /// For events: the seen members the fold asks about, computed once.
        var members: EventMembers?
    }

    /// For an event: what the fold asks about it, computed once.
    struct EventMembers: Sendable {
        var event: SeenMember
        var day: CampusDayKey
        var activeDay: ActiveDay
    }

    /// One contact's entries of the slice, in order.
    struct Contact: Sendable {
        var key: ByteKey
        var entries: [Int] = []
    }

    let partition: Int32
    var entries: [Entry] = []
    /// The slice's contacts in first-seen order, each with its entries: the fold and the reads
    /// work contact by contact.
    var contacts: [Contact] = []
    private var contactIndex: [ByteKey: Int] = [:]
    var rejected: [(KafkaRecord, Rejection)] = []
    /// The next offset after this slice's last record, per input (valid or not).
    var next = NextOffsets()

    init(partition: Int32) { self.partition = partition }

    /// Splits a batch by partition pair and decodes it.
    static func split(_ batch: [KafkaRecord], topics: TopicNames) -> [Int32: PartitionSlice] {
        var slices: [Int32: PartitionSlice] = [:]
        for record in batch {
            guard let topic = topics.input(record.topic) else { continue }
            // Mutated in place: a copy taken out of the dictionary would copy its arrays on
            // every append.
            slices[record.partition, default: PartitionSlice(partition: record.partition)].add(record, topic: topic)
        }
        return slices
    }

    private mutating func add(_ record: KafkaRecord, topic: InputTopic) {
        next[topic] = max(next[topic] ?? 0, record.offset + 1)
        switch RecordDecoder.decode(topic: topic, key: record.key, value: record.value) {
        case .failure(let rejection):
            rejected.append((record, rejection))
        case .success(let input):
            var members: EventMembers?
            if case .event(let e) = input {
                let day = e.at.utcDay
                members = EventMembers(event: SeenMember.event(contact: e.contactId, eventId: e.eventId),
                                       day: CampusDayKey(campusId: e.campusId, day: day),
                                       activeDay: ActiveDay(campusId: e.campusId, day: day.daysSinceEpoch))
            }
            let key = ByteKey(input.contactId)
            if let known = contactIndex[key] {
                contacts[known].entries.append(entries.count)
            } else {
                contactIndex[key] = contacts.count
                contacts.append(Contact(key: key, entries: [entries.count]))
            }
            entries.append(Entry(offset: record.offset, timestampMillis: record.timestampMillis, record: input, members: members))
        }
    }

    var touchedDays: Set<CampusDayKey> {
        Set(entries.compactMap { $0.members?.day })
    }
}
