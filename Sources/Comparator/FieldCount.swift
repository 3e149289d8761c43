/// How often a field differed in the stored samples of recent rounds.
package struct FieldCount: Sendable, Hashable {
    package var table: String
    package var field: String
    package var count: Int64

    package init(table: String, field: String, count: Int64) {
        self.table = table
        self.field = field
        self.count = count
    }
}
