import ServiceSupport

/// An error PostgreSQL reported for a statement. `description` carries the SQLSTATE and the
/// server's message but not the statement or its parameters (they may hold user data);
/// `debugDescription` adds the statement, detail and hint for debugging.
package struct PostgresError: ServiceError, CustomDebugStringConvertible {
    package var sqlState: String?
    package var message: String
    package var detail: String?
    package var hint: String?
    package var statement: String
    package var file: String
    package var line: Int

    package var isUniqueViolation: Bool { sqlState == "23505" }
    /// The connection itself failed (SQLSTATE class 08, or no SQLSTATE because libpq lost the
    /// socket): the statement may be retried on a new connection.
    package var isConnectionFailure: Bool { sqlState == nil || sqlState!.hasPrefix("08") || sqlState == "57P01" }
    /// The transaction lost a race with a concurrent one (deadlock, serialization failure) and
    /// was rolled back: running it again is the documented remedy.
    package var isConflict: Bool { sqlState == "40P01" || sqlState == "40001" }

    /// The connection failed, the server is shutting down or starting up (57P02 crash
    /// shutdown, 57P03 cannot connect now), or the transaction lost a conflict.
    package var isTransient: Bool { isConnectionFailure || ["57P02", "57P03"].contains(sqlState ?? "") || isConflict }

    package var description: String { "postgresql error \(sqlState ?? "(no SQLSTATE)"): \(message)" }

    package var debugDescription: String {
        var s = description
        if let detail { s += "\n  detail: \(detail)" }
        if let hint { s += "\n  hint: \(hint)" }
        s += "\n  statement: \(statement)\n  at \(file):\(line)"
        return s
    }
}
