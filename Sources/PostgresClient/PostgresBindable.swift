/// A Swift value that can be interpolated into a `PostgresQuery`, where it becomes a bind
/// parameter. Only plain data types adopt it, so that what is interpolated is always sent as a
/// value and never read as SQL.
public protocol PostgresBindable {
    var postgresValue: PostgresValue { get }
}

extension PostgresValue: PostgresBindable {
    public var postgresValue: PostgresValue { self }
}

extension String: PostgresBindable {
    public var postgresValue: PostgresValue { .text(self) }
}

extension Substring: PostgresBindable {
    public var postgresValue: PostgresValue { .text(String(self)) }
}

extension Int: PostgresBindable {
    public var postgresValue: PostgresValue { .int(Int64(self)) }
}

extension Int64: PostgresBindable {
    public var postgresValue: PostgresValue { .int(self) }
}

extension Int32: PostgresBindable {
    public var postgresValue: PostgresValue { .int(Int64(self)) }
}

extension Bool: PostgresBindable {
    public var postgresValue: PostgresValue { .bool(self) }
}

extension Double: PostgresBindable {
    public var postgresValue: PostgresValue { .double(self) }
}

/// Bytes travel as `bytea`, in binary, so they need no escaping.
extension Array: PostgresBindable where Element == UInt8 {
    public var postgresValue: PostgresValue { .bytea(self) }
}
