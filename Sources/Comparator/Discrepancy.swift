/// One key that does not agree (or could not be compared in time). For a missing key the row
/// present on the other side is kept whole (canonical JSON object), for the reports.
public struct Discrepancy: Sendable, Hashable {
    public var table: ComparedTable
    /// contact_id, or "campus_id|YYYY-MM-DD".
    public var key: String
    public var kind: DiscrepancyKind
    /// The differing fields of a value mismatch; empty for the other kinds.
    public var fields: [FieldDifference]
    public var legacyRow: String?
    public var streamRow: String?

    public init(table: ComparedTable, key: String, kind: DiscrepancyKind, fields: [FieldDifference] = [],
                legacyRow: String? = nil, streamRow: String? = nil) {
        self.table = table
        self.key = key
        self.kind = kind
        self.fields = fields
        self.legacyRow = legacyRow
        self.streamRow = streamRow
    }
}
