import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient
import PostgresClient
import Testing

/// Input is data, never code: SQL-injection payloads in every free-text field go through both
/// paths (and the router and the comparator) verbatim. That no SQL text is built from values
/// needs no test: the client takes only `PostgresQuery`, in which an interpolated value is
/// always a bind parameter, so such code does not compile (PostgresQueryTests in ClientTests).
/// (Password redaction and loopback binding: MonitoringTests, CrashRecoveryTests.)
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
                let exists = try await postgres.query("SELECT to_regclass(\(table)) IS NOT NULL")[0].bool(0)
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
