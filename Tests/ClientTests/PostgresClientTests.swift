import Foundation
import PostgresClient
import ServiceSupport
import Testing

@Suite struct PostgresClientTests {
    let url = ProcessInfo.processInfo.environment["BRIDGE_POSTGRES_URL"] ?? "postgres://bridge:bridge@127.0.0.1:15432/bridge"
    let table = PostgresIdentifier("client_test_\(UInt32.random(in: 0...UInt32.max))")

    @Test func parametersWithUnicodeNullAndBytea() async throws {
        let client = try await PostgresClient(url: url)
        defer { client.close() }
        let bytes: [UInt8] = [0, 1, 2, 255, 92, 120, 0]
        let text = "Zoë 🎓 \u{4E2D}'; DROP TABLE x; --"
        let rows = try await client.query("SELECT \(text)::text, \(PostgresValue.null)::text, \(bytes)::bytea, \(-42)::bigint, \(true)::boolean")
        let row = rows[0]
        #expect(try row.string(0) == "Zoë 🎓 \u{4E2D}'; DROP TABLE x; --")
        #expect(row.isNull(1))
        #expect(try row.bytes(2) == bytes)
        #expect(try row.int(3) == -42)
        #expect(try row.bool(4))
    }

    /// Short-lived clients (a health probe per scrape) must not leave sessions behind: a leak
    /// of one connection per scrape exhausted the server's connection slots in a soak.
    @Test func closeEndsTheServerSessionAndReleasesTheClient() async throws {
        let observer = try await PostgresClient(url: url)
        defer { observer.close() }
        weak var released: PostgresClient?
        var pids: [Int64] = []
        for _ in 0..<20 {
            let client = try await PostgresClient(url: url)
            pids.append(try await client.query("SELECT pg_backend_pid()")[0].int(0))
            client.close()
            released = client
        }
        #expect(released == nil, "a closed client is still referenced")
        let list = "{" + pids.map(String.init).joined(separator: ",") + "}"
        var alive = Int64(-1)
        for _ in 0..<200 {
            alive = try await observer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(\(list)::int[])")[0].int(0)
            if alive == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(alive == 0, "\(alive) of 20 closed sessions still open")
    }

    /// A session the server ended is re-established by `PQreset`, which starts a new session:
    /// the settings every session gets (UTC, no NOTICE lines) must be applied to it again.
    @Test func aResetSessionGetsTheSessionSettingsAgain() async throws {
        let client = try await PostgresClient(url: url)
        defer { client.close() }
        let admin = try await PostgresClient(url: url)
        defer { admin.close() }
        let first = try await client.query("SELECT pg_backend_pid()")[0].int(0)
        _ = try await admin.query("SELECT pg_terminate_backend(\(first)::int)")
        // The first statement after the termination finds the connection broken; the next resets it.
        var second = first
        for _ in 0..<20 where second == first {
            second = (try? await client.query("SELECT pg_backend_pid()")[0].int(0)) ?? first
        }
        #expect(second != first, "the connection was re-established as a new session")
        #expect(try await client.query("SHOW client_min_messages")[0].string(0) == "warning")
        #expect(try await client.query("SHOW TimeZone")[0].string(0) == "UTC")
    }

    @Test func rollbackLeavesNothingBehind() async throws {
        let client = try await PostgresClient(url: url)
        defer { client.close() }
        let table = self.table
        try await client.query("CREATE TABLE \(identifier: table) (id int primary key)")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await client.withConnection { conn in
                try conn.transaction { conn in
                    try conn.query("INSERT INTO \(identifier: table) VALUES (\(1))")
                    throw Boom()
                }
            }
        }
        #expect(try await client.query("SELECT count(*) FROM \(identifier: table)")[0].int(0) == 0)
        try await client.query("DROP TABLE \(identifier: table)")
    }

    @Test func uniqueViolationCarriesSQLState23505() async throws {
        let client = try await PostgresClient(url: url)
        defer { client.close() }
        let table = self.table
        try await client.query("CREATE TEMP TABLE \(identifier: table) (id int primary key)")
        try await client.query("INSERT INTO \(identifier: table) VALUES (\(1))")
        let error = await #expect(throws: PostgresError.self) {
            try await client.query("INSERT INTO \(identifier: table) VALUES (\(1))")
        }
        #expect(error?.sqlState == "23505")
        #expect(error?.isUniqueViolation == true)
        // The message says what happened but not the values (they may be user data).
        #expect(!"\(error!)".contains("statement"))
    }

    @Test func pipelineRunsManyStatementsAndStopsAtTheFirstError() async throws {
        let client = try await PostgresClient(url: url)
        defer { client.close() }
        let table = self.table
        let results = try await client.withConnection { conn in
            try conn.query("CREATE TEMP TABLE \(identifier: table) (id int primary key, name text)")
            return try conn.pipeline((0..<1000).map { "INSERT INTO \(identifier: table) VALUES (\($0), \("n\($0)")) RETURNING id" })
        }
        #expect(results.count == 1000)
        #expect(try results[999][0].int(0) == 999)
        await #expect(throws: PostgresError.self) {
            _ = try await client.withConnection { conn in
                try conn.transaction { conn in
                    try conn.pipeline(["INSERT INTO \(identifier: table) VALUES (\(5000), 'x')",
                                       "INSERT INTO \(identifier: table) VALUES (\(1), 'dup')",
                                       "INSERT INTO \(identifier: table) VALUES (\(5001), 'y')"])
                }
            }
        }
        #expect(try await client.query("SELECT count(*) FROM \(identifier: table)")[0].int(0) == 1000, "the failed transaction left nothing")
    }

    @Test func copyInLoadsRowsWithEscapes() async throws {
        let client = try await PostgresClient(url: url)
        defer { client.close() }
        let table = self.table
        try await client.withConnection { conn in
            try conn.query("CREATE TEMP TABLE \(identifier: table) (id int, name text)")
            try conn.copyIn(table: table, columns: ["id", "name"], rows: (0..<5000).map { [String($0), $0 == 7 ? "tab\there\\ and\nnewline" : ($0 == 8 ? nil : "n\($0)")] })
        }
        #expect(try await client.query("SELECT count(*) FROM \(identifier: table)")[0].int(0) == 5000)
        #expect(try await client.query("SELECT name FROM \(identifier: table) WHERE id = 7")[0].string(0) == "tab\there\\ and\nnewline")
        #expect(try await client.query("SELECT name FROM \(identifier: table) WHERE id = 8")[0].isNull(0))
    }

    /// A `PostgresQuery`'s interpolated payload reaches the server as a value (PostgresQueryTests
    /// checks the text and binds): it comes back unchanged and the table it names is still there.
    @Test func anInjectionPayloadRoundTripsThroughPostgreSQLAsData() async throws {
        let client = try await PostgresClient(url: url)
        defer { client.close() }
        let table = self.table
        let payload = "x'); DROP TABLE \(table.parts[0]); --"
        let echoed = try await client.withConnection { conn in
            try conn.query("CREATE TEMP TABLE \(identifier: table) (name text)")
            try conn.query("INSERT INTO \(identifier: table) VALUES (\(payload))")
            return try conn.query("SELECT name FROM \(identifier: table) WHERE name = \(payload)").map { try $0.string(0) }
        }
        #expect(echoed == [payload])
        #expect(try await client.query("SELECT \(payload)::text")[0].string(0) == payload)
    }

    @Test func unreachablePostgresNamesItsAddressWithoutThePassword() async throws {
        let start = ContinuousClock.now
        let error = await #expect(throws: ServiceUnavailable.self) {
            _ = try await PostgresClient(url: "postgres://bridge:topsecret@127.0.0.1:15999/bridge")
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        let text = "\(error!)"
        #expect(text.contains("postgresql at 127.0.0.1:15999"))
        #expect(!text.contains("topsecret"))
        #expect(!text.contains("\n"))
    }
}
