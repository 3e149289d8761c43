import PostgresClient
import Testing

/// What makes SQL safe by construction: values interpolated into a `PostgresQuery` become bind
/// parameters, never SQL text. (That PostgreSQL gets such a payload back as data:
/// PostgresClientTests.anInjectionPayloadRoundTripsThroughPostgreSQLAsData.)
@Suite struct PostgresQueryTests {
    @Test func interpolatedValuesBecomeNumberedParametersInOrder() {
        let id = "c-1"
        let limit = 10
        let query: PostgresQuery = "SELECT * FROM t WHERE id = \(id) AND n > \(Int64(5)) AND ok = \(true) LIMIT \(limit)"
        #expect(query.sql == "SELECT * FROM t WHERE id = $1 AND n > $2 AND ok = $3 LIMIT $4")
        #expect(query.binds == [.text("c-1"), .int(5), .bool(true), .int(10)])
    }

    @Test func everyBindableTypeBindsAsItsValue() {
        let bytes: [UInt8] = [0, 39, 255]
        let substring = "ab".dropLast()
        let query: PostgresQuery = "VALUES (\(Int32(7)), \(2.5), \(bytes), \(substring), \(PostgresValue.null))"
        #expect(query.sql == "VALUES ($1, $2, $3, $4, $5)")
        #expect(query.binds == [.int(7), .double(2.5), .bytea(bytes), .text("a"), .null])
    }

    @Test func missingOptionalsBindAsNull() {
        let name: String? = nil
        let campaign: String? = "fall"
        let count: Int? = nil
        let query: PostgresQuery = "SELECT \(name), \(campaign), \(count)"
        #expect(query.sql == "SELECT $1, $2, $3")
        #expect(query.binds == [.null, .text("fall"), .null])
    }

    @Test func aLiteralWithoutValuesIsItsTextWithNoBinds() {
        let query: PostgresQuery = "SELECT 1 WHERE 'a' = 'a'"
        #expect(query.sql == "SELECT 1 WHERE 'a' = 'a'")
        #expect(query.binds.isEmpty)
    }

    @Test func anInjectionPayloadTravelsAsABindNotAsSQL() {
        let payload = "x'; DROP TABLE x; --"
        let query: PostgresQuery = "SELECT * FROM legacy.contact_summary WHERE contact_id = \(payload)"
        #expect(query.sql == "SELECT * FROM legacy.contact_summary WHERE contact_id = $1")
        #expect(!query.sql.contains("DROP"))
        #expect(query.binds == [.text(payload)])
    }

    @Test func fragmentsKeepTheirTextAndRenumberTheirBinds() {
        let columns: PostgresQuery = "id, name"
        func inList(_ list: String) -> PostgresQuery { "id = ANY(\(list)::int[])" }
        let query: PostgresQuery = """
            SELECT \(fragment: columns) FROM t WHERE name = \("a") AND \(fragment: inList("{1,2}")) LIMIT \(3)
            """
        #expect(query.sql == "SELECT id, name FROM t WHERE name = $1 AND id = ANY($2::int[]) LIMIT $3")
        #expect(query.binds == [.text("a"), .text("{1,2}"), .int(3)])
        for lock in [false, true] {
            let query: PostgresQuery = "SELECT 1 FROM t\(fragment: lock ? " FOR UPDATE" : "")"
            #expect(query.sql == (lock ? "SELECT 1 FROM t FOR UPDATE" : "SELECT 1 FROM t"))
        }
    }

    @Test func identifiersAreQuotedWithEmbeddedQuotesDoubled() {
        let plain = PostgresIdentifier("bridge_bench_1")
        let hostile = PostgresIdentifier("t\"; DROP TABLE x; --")
        let qualified: PostgresIdentifier = "legacy.contact_summary"
        let query: PostgresQuery = "DROP DATABASE \(identifier: plain); SELECT * FROM \(identifier: hostile), \(identifier: qualified)"
        #expect(query.sql == #"DROP DATABASE "bridge_bench_1"; SELECT * FROM "t""; DROP TABLE x; --", "legacy"."contact_summary""#)
        #expect(query.binds.isEmpty)
        // A name built at run time reads the same as a literal: its dot separates schema and name.
        let built = "legacy" + "." + "x"
        #expect(PostgresIdentifier(built).quoted == #""legacy"."x""#)
    }
}
