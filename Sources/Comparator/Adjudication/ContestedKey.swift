import BridgeModel
import KafkaClient

/// One key whose stored rows are to be judged against the log: both stores' rows, the input
/// offsets each row reflects, and the input partitions that hold the key's records.
package struct ContestedKey: Sendable {
    package enum Key: Sendable, Hashable {
        case contact(String)
        case campusDay(CampusDayKey)
    }

    package var key: Key
    package var legacy: AggregateRow?
    package var stream: AggregateRow?
    /// The next offset each store had applied, per input partition (absent: nothing applied).
    package var legacyOffsets: [TopicPartition: Int64]
    package var streamOffsets: [TopicPartition: Int64]
    /// The input partitions to read: a contact's partition of each input topic (every partition
    /// when no store knows it), every `message-events` partition for a campus-day.
    package var partitions: [TopicPartition]

    package init(key: Key, legacy: AggregateRow?, stream: AggregateRow?, legacyOffsets: [TopicPartition: Int64],
                streamOffsets: [TopicPartition: Int64], partitions: [TopicPartition]) {
        self.key = key
        self.legacy = legacy
        self.stream = stream
        self.legacyOffsets = legacyOffsets
        self.streamOffsets = streamOffsets
        self.partitions = partitions
    }

    package var table: ComparedTable {
        switch key {
        case .contact: .contactSummary
        case .campusDay: .campusDaily
        }
    }

    /// contact_id, or "campus_id|YYYY-MM-DD".
    package var keyText: String {
        switch key {
        case .contact(let id): id
        case .campusDay(let day): day.kafkaKey
        }
    }

    /// Where each store stands on the key's partitions (0 where it applied nothing).
    func offsets(of path: StoredPath) -> [TopicPartition: Int64] {
        let applied = path == .legacy ? legacyOffsets : streamOffsets
        return Dictionary(uniqueKeysWithValues: partitions.map { ($0, applied[$0] ?? 0) })
    }

    /// What both stores applied: per partition the smaller of the two offsets.
    var commonOffsets: [TopicPartition: Int64] {
        let legacy = offsets(of: .legacy), stream = offsets(of: .stream)
        return legacy.merging(stream) { min($0, $1) }
    }

    /// Whether both stores stand at the same offsets on every partition of the key.
    var storesAtSameOffsets: Bool { offsets(of: .legacy) == offsets(of: .stream) }

    /// The stored row of one path.
    func row(of path: StoredPath) -> AggregateRow? { path == .legacy ? legacy : stream }

    /// The fold's row for this key (nil when the records give none).
    func reference(in fold: ReferenceFold) -> AggregateRow? {
        switch key {
        case .contact(let id):
            fold.contactSummary(id).map(AggregateRow.contact)
        case .campusDay(let day):
            fold.campusDay(day).map(AggregateRow.campusDay)
        }
    }
}

/// The two stores a key is judged in.
package enum StoredPath: String, Sendable, CaseIterable, Hashable {
    case legacy, stream
}
