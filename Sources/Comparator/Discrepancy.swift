import KafkaClient

/// One key that does not agree (or could not be compared in time). For a missing key the row
/// present on the other side is kept whole (canonical JSON object), for the reports.
package struct Discrepancy: Sendable, Hashable {
    package var table: ComparedTable
    /// contact_id, or "campus_id|YYYY-MM-DD".
    package var key: String
    package var kind: Discrepancy.Kind
    /// The differing fields of a value mismatch; empty for the other kinds.
    package var fields: [Discrepancy.FieldDifference]
    package var legacyRow: String?
    package var streamRow: String?
    /// Which path is wrong, judged against the fold of the key's input records (`unjudged`
    /// unless the round judged it: stale keys, and mismatches past the round's judging limit).
    package var verdict: Verdict = .unjudged
    /// Why, in one sentence (the explain summary); nil when not judged.
    package var explanation: String?
    /// The row the input records give (canonical JSON), when judged and the fold gives one.
    package var reference: String?
    /// The input partitions holding the key's records, as the stores know them (every
    /// message-events partition for a campus-day; empty when no store knows any).
    var inputPartitions: [TopicPartition] = []

    package init(table: ComparedTable, key: String, kind: Discrepancy.Kind, fields: [Discrepancy.FieldDifference] = [],
                legacyRow: String? = nil, streamRow: String? = nil) {
        self.table = table
        self.key = key
        self.kind = kind
        self.fields = fields
        self.legacyRow = legacyRow
        self.streamRow = streamRow
    }
}

extension Discrepancy {
    /// The contract's discrepancy kinds (section 5).
    package enum Kind: String, Sendable, CaseIterable, Hashable {
        /// Both stores have the key at a consistent cut and at least one field differs.
        case valueMismatch = "value_mismatch"
        case missingInStream = "missing_in_stream"
        case missingInLegacy = "missing_in_legacy"
        /// The key could not be compared because one path lags beyond the grace period.
        case stale

        /// Stale keys were not compared, so they do not count towards the mismatch rate.
        package var isMismatch: Bool { self != .stale }
    }

    /// One field that differs between the stores, each value as its canonical JSON text.
    package struct FieldDifference: Sendable, Hashable {
        package var field: String
        package var legacy: String
        package var stream: String

        package init(field: String, legacy: String, stream: String) {
            self.field = field
            self.legacy = legacy
            self.stream = stream
        }
    }
}
