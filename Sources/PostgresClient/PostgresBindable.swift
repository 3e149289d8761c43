/// A Swift value that can be interpolated into a `PostgresQuery`, where it becomes a bind
/// parameter. Only plain data types adopt it, so that what is interpolated is always sent as a
/// value and never read as SQL.
package protocol PostgresBindable {
    var postgresValue: PostgresValue { get }
}

extension PostgresValue: PostgresBindable {
    package var postgresValue: PostgresValue { self }
}

extension String: PostgresBindable {
    package var postgresValue: PostgresValue { .text(self) }
}

extension Substring: PostgresBindable {
    package var postgresValue: PostgresValue { .text(String(self)) }
}

extension Int: PostgresBindable {
    package var postgresValue: PostgresValue { .int(Int64(self)) }
}

extension Int64: PostgresBindable {
    package var postgresValue: PostgresValue { .int(self) }
}

extension Int32: PostgresBindable {
    package var postgresValue: PostgresValue { .int(Int64(self)) }
}

extension Bool: PostgresBindable {
    package var postgresValue: PostgresValue { .bool(self) }
}

extension Double: PostgresBindable {
    package var postgresValue: PostgresValue { .double(self) }
}

/// Bytes travel as `bytea`, in binary, so they need no escaping.
extension Array: PostgresBindable where Element == UInt8 {
    package var postgresValue: PostgresValue { .bytea(self) }
}
