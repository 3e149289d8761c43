import BridgeModel
import BridgeSupport
import KafkaClient

/// A decoded batch: valid records grouped by contact_id (byte-wise identity, first-seen order)
/// and the rejected records with their reasons.
struct BatchGrouping: Sendable {
    var groups: [ContactGroup] = []
    var rejected: [(KafkaRecord, Rejection)] = []

    init(_ batch: [KafkaRecord], topics: TopicNames) {
        // Keyed by bytes, not String: Swift's String equality merges canonically equivalent ids
        // that the contract (and PostgreSQL) keep apart.
        var index: [[UInt8]: Int] = [:]
        for record in batch {
            guard let topic = topics.input(record.topic) else {
                rejected.append((record, Rejection(code: .invalidValue, reason: "topic \"\(record.topic)\" is not an input of this bridge")))
                continue
            }
            switch RecordDecoder.decode(topic: topic, key: record.key, value: record.value) {
            case .failure(let rejection):
                rejected.append((record, rejection))
            case .success(let input):
                let id = input.contactId
                let bytes = Array(id.utf8)
                let position: Int
                if let known = index[bytes] {
                    position = known
                } else {
                    position = groups.count
                    index[bytes] = position
                    groups.append(ContactGroup(contactId: id))
                }
                groups[position].entries.append(.init(topic: topic, partition: record.partition, offset: record.offset,
                                                      record: input, timestampMillis: record.timestampMillis))
            }
        }
    }

    /// Splits the groups into at most `count` shares of similar record counts (largest group
    /// first to the lightest share), one share per Redis connection.
    func shares(_ count: Int) -> [[ContactGroup]] {
        let n = max(1, min(count, groups.count))
        var shares = Array(repeating: [ContactGroup](), count: n)
        var loads = Array(repeating: 0, count: n)
        for group in groups.sorted(by: { $0.entries.count > $1.entries.count }) {
            let lightest = loads.indices.min { loads[$0] < loads[$1] }!
            shares[lightest].append(group)
            loads[lightest] += group.entries.count
        }
        return shares.filter { !$0.isEmpty }
    }
}
