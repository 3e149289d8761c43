/// One SQL statement whose values can only travel as bind parameters.
///
/// It is written as a string literal, and every value interpolated into it becomes the next
/// `$n` with the value sent beside the text, never inside it:
///
///     conn.query("SELECT phone FROM legacy.contact_summary WHERE contact_id = \(contactId)")
///     // sql: "… WHERE contact_id = $1", binds: [.text(contactId)]
///
/// That is what keeps input from ever becoming SQL: there is no way to splice a `String` into
/// the text. The literal's own segments are `StaticString`s, so text written in the source is
/// the only SQL there is. Two labelled interpolations cover what a bind parameter cannot be:
/// `\(fragment:)` embeds another `PostgresQuery` (a shared column list, a condition with its
/// own binds, renumbered), and `\(identifier:)` names a table or database, quoted.
package struct PostgresQuery: Sendable {
    /// The values in parameter order: `binds[i]` is `$(i + 1)`.
    package private(set) var binds: [PostgresValue] = []
    /// The literal SQL around the parameters: bind i sits between `texts[i]` and `texts[i + 1]`,
    /// so there is always one more text than binds. Kept apart from the `$n` numbers so that
    /// an embedded fragment's parameters can be renumbered.
    private var texts: [String] = [""]

    /// The statement text, with `$1…$n` where the values go.
    package var sql: String {
        var sql = texts[0]
        for i in binds.indices {
            sql += "$\(i + 1)"
            sql += texts[i + 1]
        }
        return sql
    }

    private mutating func appendSQL(_ text: String) {
        texts[texts.count - 1] += text
    }

    private mutating func appendBind(_ value: PostgresValue) {
        binds.append(value)
        texts.append("")
    }

    private mutating func append(_ fragment: PostgresQuery) {
        appendSQL(fragment.texts[0])
        for (value, text) in zip(fragment.binds, fragment.texts.dropFirst()) {
            appendBind(value)
            appendSQL(text)
        }
    }
}

extension PostgresQuery: ExpressibleByStringInterpolation {
    package typealias StringLiteralType = StaticString

    /// Only literal text becomes SQL: a `String` built at run time cannot be turned into a
    /// query, because the literal type is `StaticString`.
    package init(stringLiteral sql: StaticString) {
        appendSQL(sql.description)
    }

    package init(stringInterpolation: StringInterpolation) {
        self = stringInterpolation.query
    }

    package struct StringInterpolation: StringInterpolationProtocol {
        package typealias StringLiteralType = StaticString

        fileprivate var query = PostgresQuery()

        package init(literalCapacity: Int, interpolationCount: Int) {
            query.texts.reserveCapacity(interpolationCount + 1)
            query.binds.reserveCapacity(interpolationCount)
        }

        package mutating func appendLiteral(_ sql: StaticString) {
            query.appendSQL(sql.description)
        }

        /// A value: it becomes the next `$n`.
        package mutating func appendInterpolation(_ value: some PostgresBindable) {
            query.appendBind(value.postgresValue)
        }

        /// For `\(.null)`, `\(.bytea(bytes))` and values already wrapped.
        package mutating func appendInterpolation(_ value: PostgresValue) {
            query.appendBind(value)
        }

        /// A missing value is SQL NULL, bound like any other.
        package mutating func appendInterpolation(_ value: (some PostgresBindable)?) {
            query.appendBind(value?.postgresValue ?? .null)
        }

        /// Another query's text and binds, the binds renumbered to follow this query's. For SQL
        /// shared by several statements (a column list, a condition); it is as safe as the
        /// fragment, which was built the same way.
        package mutating func appendInterpolation(fragment: PostgresQuery) {
            query.append(fragment)
        }

        /// A table, schema, column or database name: identifiers cannot be bind parameters,
        /// so this is the one way a name reaches the text, always quoted.
        package mutating func appendInterpolation(identifier: PostgresIdentifier) {
            query.appendSQL(identifier.quoted)
        }
    }
}
