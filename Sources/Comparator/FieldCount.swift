/// How often a field differed in the stored samples of recent rounds.
public struct FieldCount: Sendable, Hashable {
    public var table: String
    public var field: String
    public var count: Int64

    public init(table: String, field: String, count: Int64) {
        self.table = table
        self.field = field
        self.count = count
    }
}
