/// An error PostgreSQL reported for a statement. `description` carries the SQLSTATE and the
/// server's message but not the statement or its parameters (they may hold user data);
/// `debugDescription` adds the statement, detail and hint for debugging.
public struct PostgresError: Error, CustomStringConvertible, CustomDebugStringConvertible, Sendable {
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var statement: String
    public var file: String
    public var line: Int

    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// The connection itself failed (SQLSTATE class 08, or no SQLSTATE because libpq lost the
    /// socket): the statement may be retried on a new connection.
    public var isConnectionFailure: Bool { sqlState == nil || sqlState!.hasPrefix("08") || sqlState == "57P01" }

    public var description: String { "postgresql error \(sqlState ?? "(no SQLSTATE)"): \(message)" }

    public var debugDescription: String {
        var s = description
        if let detail { s += "\n  detail: \(detail)" }
        if let hint { s += "\n  hint: \(hint)" }
        s += "\n  statement: \(statement)\n  at \(file):\(line)"
        return s
    }
}
