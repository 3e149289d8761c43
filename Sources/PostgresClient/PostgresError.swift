import ServiceSupport

/// An error PostgreSQL reported for a statement. `description` carries the SQLSTATE and the
/// server's message but not the statement or its parameters (they may hold user data);
/// `debugDescription` adds the statement, detail and hint for debugging.
public struct PostgresError: ServiceError, CustomDebugStringConvertible {
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
    /// The transaction lost a race with a concurrent one (deadlock, serialization failure) and
    /// was rolled back: running it again is the documented remedy.
    public var isConflict: Bool { sqlState == "40P01" || sqlState == "40001" }

    /// The connection failed, the server is shutting down or starting up (57P02 crash
    /// shutdown, 57P03 cannot connect now), or the transaction lost a conflict.
    public var isTransient: Bool { isConnectionFailure || ["57P02", "57P03"].contains(sqlState ?? "") || isConflict }

    public var description: String { "postgresql error \(sqlState ?? "(no SQLSTATE)"): \(message)" }

    public var debugDescription: String {
        var s = description
        if let detail { s += "\n  detail: \(detail)" }
        if let hint { s += "\n  hint: \(hint)" }
        s += "\n  statement: \(statement)\n  at \(file):\(line)"
        return s
    }
}
