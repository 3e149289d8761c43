import Foundation
import PackageFiles
import Testing

/// Fails when SQL text handed to the PostgreSQL client anywhere in Sources/ is built by
/// interpolation or concatenation from anything but the constants and cases listed below.
@Suite struct SQLSourceScanTests {
    static let sourcesRoot = PackageFiles.root.appendingPathComponent("Sources")

    /// Constants that may be interpolated into SQL anywhere. Each is a `static let` whose own
    /// text is checked like any SQL (so it can only be built from literals and other constants).
    static let constants: [SQLSourceScan.Constant] = [
        .init(name: "SummaryRowReader.selectList", file: "Sources/LegacySQL/SummaryRowReader.swift",
              reason: "the column list of legacy.contact_summary, shared by every query that reads rows"),
        .init(name: "RolloutStore.stateColumns", file: "Sources/Rollout/RolloutStore.swift",
              reason: "the column list of bridge.rollout_state"),
        .init(name: "stateColumns", file: "Sources/Rollout/RolloutStore.swift", reason: "the same, unqualified inside RolloutStore"),
        .init(name: "LegacyDigestSQL.inBuckets", file: "Sources/LegacySQL/LegacyDigestSQL.swift",
              reason: "a constant condition on contact_id's digest bucket, its value bound as $1"),
        .init(name: "campusDailyColumns", file: "Sources/LegacySQL/LegacyExport.swift", reason: "the column list of legacy.campus_daily"),
        .init(name: "Self.campusDailyColumns", file: "Sources/LegacySQL/LegacyExport.swift", reason: "the same, qualified"),
        .init(name: "RoundEvidence.columns", file: "Sources/Rollout/RoundEvidence.swift",
              reason: "the columns of bridge.comparison_rounds the rollout weighs"),
        .init(name: "Self.newestRound", file: "Sources/Rollout/PlanStore.swift",
              reason: "a constant subquery: the newest comparison round's id"),
        .init(name: "newestRound", file: "Sources/Rollout/PlanStore.swift", reason: "the same, unqualified inside PlanStore"),
    ]

    /// Places where SQL is not one literal, each with why it is safe.
    static let exceptions: [SQLSourceScan.Exception] = [
        .init(file: "Sources/PostgresClient/PostgresClient.swift", expression: "sql",
              reason: "the client's own entry point forwards its caller's SQL; the callers are what this scan checks"),
        .init(file: "Sources/PostgresClient/PostgresConnection.swift", expression: "sql",
              reason: "the connection forwards its caller's SQL to libpq (callers are checked)"),
        .init(file: "Sources/PostgresClient/PostgresConnection.swift", expression: "statement.sql",
              reason: "pipeline() forwards each of its caller's statements (callers are checked)"),
        .init(file: "Sources/PostgresClient/PostgresConnection.swift", expression: "\\(table)",
              reason: "COPY names a table, an identifier that cannot be a bind parameter; every copyIn caller passes a literal (checked below)"),
        .init(file: "Sources/PostgresClient/PostgresConnection.swift", expression: "\\(columns.joined(separator: \", \"))",
              reason: "COPY's column names, identifiers; every copyIn caller passes an array literal of literals (checked below)"),
        .init(file: "Sources/SchemaMigrations/Migrator.swift", expression: "m.sql",
              reason: "the migration files of migrations/, shipped with the product and checksummed in bridge.schema_migrations"),
        .init(file: "Sources/LegacySQL/LegacyProcessor.swift", expression: "statements",
              reason: "built by LegacyStatements.forBatch from its four constant statements with bound values (checked below)"),
        .init(file: "Sources/LegacySQL/OutboxRelay.swift", expression: "\\(table)",
              reason: "markPublished's table name, an identifier; every caller passes a literal (checked below)"),
        .init(file: "Sources/Rollout/RolloutStore.swift", expression: "(lock ? \" FOR UPDATE\" : \"\")",
              reason: "a choice between two literals"),
        .init(file: "Sources/Rollout/PlanStore.swift", expression: "(lock ? \" FOR UPDATE\" : \"\")",
              reason: "a choice between two literals"),
        .init(file: "Sources/Bridge/Demo/DemoStory.swift", expression: "\\(victim)",
              reason: "a line the demo prints for its audience; the statement it runs binds the key as $1"),
        .init(file: "Sources/BridgeBench/CompareBenchmark.swift", expression: "\\(database)",
              reason: "CREATE/DROP DATABASE take an identifier (no bind parameter); the name is \"bridge_bench_\" and a number"),
        .init(file: "Sources/BridgeBench/BenchScope.swift", expression: "\\(database)",
              reason: "CREATE/DROP DATABASE take an identifier; the name is the bench's own prefix (configuration, not input) with . and - replaced"),
        .init(file: "Sources/BridgeBench/ClientsBenchmark.swift", expression: "statements",
              reason: "the client benchmark's 20,000 copies of one literal INSERT with bound values"),
    ]

    static func sources() throws -> [String: String] {
        var sources: [String: String] = [:]
        let root = PackageFiles.root.path + "/"
        let walker = FileManager.default.enumerator(at: sourcesRoot, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            sources[String(url.path.dropFirst(root.count))] = try String(contentsOf: url, encoding: .utf8)
        }
        return sources
    }

    @Test func noSQLInSourcesIsBuiltFromValues() throws {
        let sources = try Self.sources()
        let scan = SQLSourceScan(sources: sources, exceptions: Self.exceptions, constants: Self.constants)
        let (findings, calls) = scan.findings()
        #expect(calls > 40, "the scan found the client calls (\(calls)); a scan that finds nothing proves nothing")
        #expect(findings.isEmpty, "SQL built from values (bind them as $n parameters, or list a constant with its reason):\n\(findings.map(\.description).joined(separator: "\n"))")

        // The listed constants are what they claim: declared once, as static lets.
        for constant in Self.constants {
            let name = String(constant.name.split(separator: ".").last!)
            let source = try #require(sources[constant.file], "\(constant.file) exists")
            #expect(source.contains("static let \(name) ="), "\(constant.name) is a static let in \(constant.file)")
        }
        // The checks the exceptions rely on.
        var copyCalls = 0
        for (file, source) in sources where !file.hasPrefix("Sources/PostgresClient/") {
            let scanner = SQLSourceScanner(source: source)
            for call in scanner.calls() where call.name == "copyIn" {
                copyCalls += 1
                let table = call.arguments[0].replacingOccurrences(of: "table:", with: "").trimmingCharacters(in: .whitespaces)
                let columns = call.arguments.count > 1 ? call.arguments[1].replacingOccurrences(of: "columns:", with: "") : ""
                let literalTable = SQLSourceScanner.literalIndex(table).map { scanner.literals[$0].interpolations.isEmpty } ?? false
                let literalColumns = columns.range(of: #"^\s*\[\s*(§\d+§\s*,?\s*)+\]\s*$"#, options: .regularExpression) != nil
                #expect(literalTable && literalColumns, "\(file):\(call.line): copyIn with a literal table and literal columns")
            }
        }
        #expect(copyCalls > 0)
        let relay = try #require(sources["Sources/LegacySQL/OutboxRelay.swift"])
        let markCalls = relay.components(separatedBy: "markPublished(").count - 2 // minus the declaration
        let literalMarkCalls = relay.components(separatedBy: "markPublished(table: \"").count - 1
        #expect(markCalls > 0 && markCalls == literalMarkCalls, "every markPublished call names its table by a literal")
        let statements = try #require(sources["Sources/LegacySQL/LegacyStatements.swift"])
        let used = Set(statements.matches(of: #/statements\.append\(\((\w+),/#).map { String($0.output.1) })
        #expect(used == ["ingestContact", "ingestEvent", "recordDeadLetter", "recordAppliedOffset"], "\(used)")
        let scanner = SQLSourceScanner(source: statements)
        for name in used {
            let declared = try #require(scanner.declaration(of: name), "\(name) declared")
            #expect(!declared.mutable && SQLSourceScanner.literalIndex(declared.rhs).map { scanner.literals[$0].interpolations.isEmpty } == true,
                    "\(name) is one constant literal")
        }
    }

    /// The scan is not vacuous: the ways of splicing a value into SQL are each caught.
    @Test func theScanCatchesValuesSplicedIntoSQL() throws {
        let bad: [String: String] = [
            "interpolation": #"func f(conn: PostgresConnection, value: String) throws { try conn.query("SELECT * FROM legacy.contact_summary WHERE contact_id = '\(value)'") }"#,
            "multi-line": "func f(p: PostgresClient, v: String) async throws {\n try await p.query(\"\"\"\n  DELETE FROM t\n  WHERE id = \\(v)\n  \"\"\")\n}",
            "raw string": ##"func f(c: PostgresConnection, v: String) throws { try c.query(#"UPDATE t SET a = 1 WHERE b = \#(v)"#) }"##,
            "concatenation": #"func f(c: PostgresConnection, id: String) throws { try c.query("UPDATE x SET a = 1 WHERE id = '" + id + "'") }"#,
            "via a let": #"func f(c: PostgresConnection, id: String) throws { let sql = "DELETE FROM t WHERE id = " + id; try c.query(sql, []) }"#,
            "via a var": #"func f(c: PostgresConnection, id: String) throws { var sql = "SELECT 1"; sql += id; try c.query(sql) }"#,
            "via a parameter": #"func run(_ c: PostgresConnection, _ text: String) throws { try c.executeScript(text) }"#,
            "pipeline": #"func f(c: PostgresConnection, id: String) throws { _ = try c.pipeline([("SELECT \(id)", [])]) }"#,
            "libpq": #"func f(conn: OpaquePointer, id: String) { _ = PQexec(conn, "SELECT '\(id)'") }"#,
            "built elsewhere": "let q = \"WHERE id = '\\(x)'\"\nfunc f(c: PostgresConnection) throws { try c.query(\"SELECT 1 \" + q) }",
        ]
        for (name, source) in bad {
            let scan = SQLSourceScan(sources: ["Sources/X/Bad.swift": source], exceptions: Self.exceptions, constants: Self.constants)
            #expect(!scan.findings().findings.isEmpty, "not caught: \(name)")
        }
        let good = """
            // conn.query("SELECT \\(notCode)")
            func f(conn: PostgresConnection, value: String, redis: RedisClient) async throws {
                try conn.query("SELECT * FROM legacy.contact_summary WHERE contact_id = $1", [.text(value)])
                try conn.query(\"\"\"
                    SELECT "a\\"b" FROM t
                    \"\"\" + " LIMIT 1")
                _ = try await redis.pipeline(commands)
                log("SELECT is a word \\(value)".lowercased())
            }
            """
        let scan = SQLSourceScan(sources: ["Sources/X/Good.swift": good], exceptions: [], constants: [])
        #expect(scan.findings().calls == 2)
        let goodFindings = scan.findings().findings
        // The last line's literal starts like SQL and interpolates: flagged, the safe side.
        #expect(goodFindings.count == 1 && goodFindings.allSatisfy { $0.call == "literal" }, "\(goodFindings)")
    }
}
