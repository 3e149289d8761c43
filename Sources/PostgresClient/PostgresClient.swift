import ServiceSupport

/// An asynchronous PostgreSQL client: one libpq connection on a dedicated thread. Work is a
/// closure that runs on that thread with the connection, so a transaction is ordinary code:
///
///     try await client.withConnection { conn in try conn.transaction { … } }
package final class PostgresClient: Sendable {
    package let url: String
    private let confined: ThreadConfined<PostgresConnection>

    package init(url: String, name: String = "postgres") async throws {
        self.url = url
        confined = try await ThreadConfined.make(name: name) { try PostgresConnection(url: url) }
    }

    package func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await confined.run { try body($0) }
    }

    package func withConnectionBlocking<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) throws -> T {
        try confined.runBlocking { try body($0) }
    }

    @discardableResult
    package func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> PostgresRows {
        try await withConnection { try $0.query(query, file: file, line: line) }
    }

    /// Closes the connection (on its thread, after queued work) and ends the thread.
    package func close() { confined.shutdown { $0.close() } }
}
