import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient
import PostgresClient
import Testing

/// Input is data, never code: SQL-injection payloads in every free-text field go through both
/// paths (and the router and the comparator) verbatim, and no SQL text in Sources/ is built
/// from values. (Password redaction and loopback binding: MonitoringTests, CrashRecoveryTests.)
@Suite(.sharedMachine) struct InjectionTests {
    // The contract's free-text fields: ids (at most 64 bytes), first_name (200 characters),
    // phone (32 bytes). NUL is not valid in PostgreSQL text, so it is left out.
    static let contactIds = [
        "c-'; DROP TABLE legacy.contact_summary; --",
        "c-\"); DELETE FROM legacy.message_events; --",
        "c-\\'\\\\ $1 $$ %s %n {0}",
        "c-Zoë 🎓 ' OR '1'='1",
        "c-\r\n*1\r\n$8\r\nFLUSHALL\r\n",  // Redis protocol injection, for the stream path
        "c-{tag}*?[a]|x:y",                 // Redis glob, hash tag and key separators
    ]
    static let campuses = ["north'); DROP TABLE legacy.campus_daily; --", "south\\", "east\"--", "we$1st 🎓 ü"]
    static let firstNames = ["Robert'); DROP TABLE students;--", "$1 $2 \\x41 \\\\ E'\\047' $$x$$", "Ωmega \u{202E}rtl 🎓 ' \"", "plain"]
    static let phones = ["+1'--", "$1::text", "+1\\\"5550", "+15550001234"]
    static let campaign = "fall'); DELETE FROM legacy.message_events; --"
    static let eventPrefix = "m-'; TRUNCATE bridge.schema_migrations; --"

    static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    @Test func injectionPayloadsAreStoredAndPublishedVerbatimByBothPaths() async throws {
        try await withTestEnvironment { env in
            let topics = env.configuration.topics
            var records: [OutgoingRecord] = []
            for (i, id) in Self.contactIds.enumerated() {
                #expect(id.utf8.count <= 64)
                let key = Array(id.utf8)
                let campus = Self.campuses[i % Self.campuses.count]
                records.append(OutgoingRecord(topic: topics.contacts, key: key, value: try Self.json([
                    "contact_id": id, "campus_id": campus, "first_name": Self.firstNames[i % Self.firstNames.count],
                    "phone": Self.phones[i % Self.phones.count], "opted_out": false, "updated_at": "2026-11-01T10:00:00.000Z"])))
                let kinds = ["sent", "delivered", "reply", "sent", "opt_out"]
                for (n, kind) in kinds.enumerated() {
                    var event: [String: Any] = ["event_id": "\(Self.eventPrefix)\(n)", "contact_id": id, "campus_id": campus,
                                                "kind": kind, "at": "2026-11-0\(1 + n % 2)T1\(n):00:00.000Z"]
                    if kind != "reply" && kind != "opt_out" { event["campaign_id"] = n == 3 ? Self.campaign + "2" : Self.campaign }
                    records.append(OutgoingRecord(topic: topics.messageEvents, key: key, value: try Self.json(event)))
                }
            }
            let producer = try KafkaProducer(configuration: env.configuration.kafka)
            try await producer.send(records)
            await producer.close()

            // Every component: both paths, the router (shadow phase: legacy serves) and a round.
            try await env.bridge.run(["run", "--exit-when-idle"])

            // The contract's fold accepted every record and kept every string as sent.
            let fold = try await env.referenceFold()
            let expected = fold.contactSummaryRows
            #expect(expected.count == Self.contactIds.count)
            for (i, id) in Self.contactIds.enumerated() {
                let row = try #require(expected.first { $0.contactId == id }, "contact \(id.debugDescription) kept verbatim")
                #expect(row.campusId == Self.campuses[i % Self.campuses.count])
                #expect(row.firstName == Self.firstNames[i % Self.firstNames.count])
                #expect(row.phone == Self.phones[i % Self.phones.count])
                #expect(row.messagesSent == 2 && row.campaigns == 2 && row.replies == 1 && row.optedOut)
            }
            let letters = try await TopicReader.readAll([topics.deadLetter], configuration: env.configuration).values.flatMap { $0 }
            #expect(letters.isEmpty, "no payload was rejected: \(letters.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }.prefix(3))")

            // Both stores hold exactly those rows (the exports go through PostgreSQL and Redis).
            for source in ["legacy", "stream"] {
                let contacts = try await env.bridge.run(["export", "--source", source, "--table", "contact_summary"]).split(separator: "\n").map(String.init)
                let days = try await env.bridge.run(["export", "--source", source, "--table", "campus_daily"]).split(separator: "\n").map(String.init)
                #expect(contacts == expected.map(\.json), "\(source): first difference: \(firstDifference(contacts, expected.map(\.json)))")
                #expect(days == fold.campusDailyRows.map(\.json), "\(source): first difference: \(firstDifference(days, fold.campusDailyRows.map(\.json)))")
            }
            // And published them verbatim, keyed by the payload bytes.
            let byKey = Dictionary(uniqueKeysWithValues: expected.map { ($0.contactId, $0.json) })
            for topic in [topics.contactSummaryStream, topics.contactSummaryLegacy, topics.contactSummaryServing] {
                let published = try await env.lastPublished(topic).mapValues { try ContactSummaryRow(json: Array($0.utf8)).json }
                #expect(published == byKey, "\(topic): last value per key")
            }
            let days = try await env.lastPublished(topics.campusDailyStream)
            #expect(days == Dictionary(uniqueKeysWithValues: fold.campusDailyRows.map { ($0.key.kafkaKey, $0.json) }))

            // The comparator reads both stores and finds them equal.
            let round = try await env.bridge.runAllowingFailure(["compare", "--format", "json"])
            #expect(round.status == 0, "\(round.stderr) \(round.stdout.prefix(800))")

            // Every table is still there, and the migrations' record is intact.
            let postgres = try await PostgresClient(url: env.configuration.postgresURL)
            defer { postgres.close() }
            let tables = ["legacy.contact_summary", "legacy.campus_daily", "legacy.message_events", "legacy.contact_records",
                          "legacy.applied_offsets", "legacy.summary_outbox", "legacy.dead_letter_outbox",
                          "bridge.schema_migrations", "bridge.comparison_rounds", "bridge.rollout_state"]
            for table in tables {
                let exists = try await postgres.query("SELECT to_regclass($1) IS NOT NULL", [.text(table)])[0].bool(0)
                #expect(exists, "\(table) still exists")
            }
            let migrations = try FileManager.default.contentsOfDirectory(atPath: BridgeProcess.packageRoot.appendingPathComponent("migrations").path)
                .filter { $0.hasSuffix(".sql") }.count
            #expect(try await postgres.query("SELECT count(*) FROM bridge.schema_migrations")[0].int(0) == Int64(migrations))
            let events = try await postgres.query("SELECT count(*) FROM legacy.message_events")[0].int(0)
            #expect(events == Int64(Self.contactIds.count * 5))
        }
    }
}

/// Fails when SQL text handed to the PostgreSQL client anywhere in Sources/ is built by
/// interpolation or concatenation from anything but the constants and cases listed below.
@Suite struct SQLSourceScanTests {
    static let sourcesRoot = BridgeProcess.packageRoot.appendingPathComponent("Sources")

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
        .init(file: "Sources/BridgeSupport/Migrator.swift", expression: "m.sql",
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
        .init(file: "Sources/Bridge/Commands/CompareBench.swift", expression: "\\(database)",
              reason: "CREATE/DROP DATABASE take an identifier (no bind parameter); the name is \"bridge_bench_\" and a number"),
        .init(file: "Sources/Bridge/Commands/PathsBench/BenchScope.swift", expression: "\\(database)",
              reason: "CREATE/DROP DATABASE take an identifier; the name is the bench's own prefix (configuration, not input) with . and - replaced"),
        .init(file: "Sources/Bridge/Commands/BenchCommand.swift", expression: "statements",
              reason: "the client benchmark's 20,000 copies of one literal INSERT with bound values"),
    ]

    static func sources() throws -> [String: String] {
        var sources: [String: String] = [:]
        let root = BridgeProcess.packageRoot.path + "/"
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
