/// The name of a table, schema, column or database, for the places in SQL where a bind
/// parameter cannot stand (`COPY table`, `CREATE DATABASE name`). Each part is always written
/// quoted, with embedded quotes doubled, so whatever it holds stays a name and never becomes
/// SQL. Quoting also keeps a name's case: the names here are lower case, as PostgreSQL folds them.
package struct PostgresIdentifier: Sendable, Hashable {
    /// The parts of a qualified name, `["legacy", "contact_summary"]`.
    package let parts: [String]

    /// A name written as in SQL: a dot separates the schema from the name, so
    /// `"legacy.contact_summary"` is the table `contact_summary` of the schema `legacy`. (A
    /// literal and a `String` read the same way: Swift turns `PostgresIdentifier("…")` with a
    /// literal into the literal initializer.)
    package init(_ name: String) {
        parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// `"part"."part"`.
    package var quoted: String {
        parts.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".")
    }
}

extension PostgresIdentifier: ExpressibleByStringLiteral {
    package init(stringLiteral name: StaticString) {
        self.init(name.description)
    }
}
