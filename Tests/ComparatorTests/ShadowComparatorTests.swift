import BridgeModel
import BridgeTestSupport
import Comparator
import Foundation
import KafkaClient
import LegacySQL
@testable import StreamAgg
import Testing

/// The comparator against both real paths fed from one generated workload.
@Suite("Shadow comparator against the running services")
struct ShadowComparatorTests {
    @Test("a clean run: consistent, no discrepancy, every row compared")
    func cleanRun() async throws {
        try await withComparatorEnvironment { env in
            try await env.produce(contacts: 40, events: 400, seed: 1)
            try await env.run()

            let round = try await env.comparator().round()
            let legacy = LegacyExport(postgres: env.postgres)
            let contacts = try await legacy.contactSummaries().count
            let days = try await legacy.campusDaily().count
            #expect(round.consistent)
            #expect(round.clean, "unexpected: \(round.outcome.samples)")
            #expect(round.outcome.compared[.contactSummary] == contacts)
            #expect(round.outcome.compared[.campusDaily] == days)
            #expect(round.outcome.skippedLagging.values.reduce(0, +) == 0)
            #expect(round.legacyLag == 0 && round.streamLag == 0)
            #expect(round.id > 0)
            // Both stores at the same offsets: bucket sums agree everywhere, no row was read.
            #expect(round.method == .checksums(buckets: ContactDigest.bucketCount, bucketsRead: 0, verification: nil))

            // The rollout gate reads these columns directly.
            let stored = try await env.postgres.query(
                "SELECT consistent, discrepancies, compared_contacts, report->>'consistent' FROM bridge.comparison_rounds WHERE id = \(round.id)::bigint")[0]
            #expect(try stored.bool(0))
            #expect(try stored.int(1) == 0)
            #expect(try stored.int(2) == Int64(contacts))
            #expect(stored.optionalString(3) == "true")
        }
    }

    @Test("a legacy row changed behind the bridge's back: exactly one value_mismatch, and the HTML report shows it")
    func legacyUpdateIsOneValueMismatch() async throws {
        try await withComparatorEnvironment { env in
            try await env.produce(contacts: 30, events: 300, seed: 2)
            try await env.run()
            let victim = try #require(try await LegacyExport(postgres: env.postgres).contactSummaries().dropFirst(3).first)

            try await env.postgres.query("UPDATE legacy.contact_summary SET messages_sent = messages_sent + 5 WHERE contact_id = \(victim.contactId)")
            let round = try await env.comparator().round()
            #expect(round.consistent)
            #expect(round.outcome.totalDiscrepancies == 1)
            let d = try #require(round.outcome.samples.first)
            #expect(d.table == .contactSummary && d.key == victim.contactId && d.kind == .valueMismatch)
            #expect(round.method == .checksums(buckets: ContactDigest.bucketCount, bucketsRead: 1, verification: nil))
            #expect(d.fields == [Discrepancy.FieldDifference(field: "messages_sent", legacy: String(victim.messagesSent + 5),
                                                 stream: String(victim.messagesSent))])
            let json = JSONReport.render(round)
            #expect(json.contains("\"fields\":[{\"field\":\"messages_sent\",\"legacy\":\(victim.messagesSent + 5),\"stream\":\(victim.messagesSent)}]"))
            // Judged against the fold of the contact's input records: the legacy path is wrong.
            #expect(d.verdict == .legacyWrong, "\(d.explanation ?? "")")
            #expect(d.reference == victim.json)
            #expect(round.judging.verdicts == [.legacyWrong: 1] && round.judging.cost.recordsRead > 0 && round.judging.cost.partitionsRead == 2)
            #expect(json.contains("\"verdict\":\"legacy_wrong\"") && json.contains("\"judging\":{\"limit\":"))

            let stored = try await env.postgres.query(
                "SELECT key, kind, field, legacy_value, stream_value, verdict FROM bridge.comparison_discrepancies WHERE round_id = \(round.id)::bigint")
            #expect(stored.count == 1)
            #expect(try stored[0].string(0) == victim.contactId && stored[0].optionalString(2) == "messages_sent")
            #expect(stored[0].optionalString(3) == String(victim.messagesSent + 5))
            #expect(stored[0].optionalString(5) == "legacy_wrong")
            let counts = try await env.postgres.query("SELECT mismatches, verdicts->>'legacy_wrong' FROM bridge.comparison_rounds WHERE id = \(round.id)::bigint")
            #expect(try counts[0].int(0) == 1 && counts[0].optionalString(1) == "1")

            // The HTML report: self-contained, with its charts and the mismatching key.
            let store = RoundStore(postgres: env.postgres)
            let html = HTMLReport.render(round, history: try await store.recent(), fields: try await store.mostDifferingFields())
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
            #expect(html.contains("<svg") && html.contains("</svg>"))
            #expect(html.contains(victim.contactId))
            #expect(html.contains("messages_sent") && html.contains("legacy_wrong"))
            #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=") && !html.contains("url("))

            // A tolerance of 5 on that field makes the same state clean.
            let tolerant = try await env.comparator(rules: ComparisonRules(tolerance: ["messages_sent": 5])).round()
            #expect(tolerant.clean)
        }
    }

    @Test("a stream row changed behind the engine's back: unseen by the maintained sums, one value_mismatch in a verifying round")
    func redisWriteIsOneValueMismatchInAVerifyingRound() async throws {
        try await withComparatorEnvironment { env in
            try await env.produce(contacts: 30, events: 300, seed: 3)
            try await env.run()
            let victim = try #require(try await LegacyExport(postgres: env.postgres).contactSummaries().dropFirst(5).first)

            try await env.rewriteStreamRow(victim.contactId) { $0.contact?.phone = "+19999999999" }
            // The sums the commits maintain did not see the write: a checksummed round finds nothing.
            let trusting = try await env.comparator().round()
            #expect(trusting.clean)
            #expect(trusting.method == .checksums(buckets: ContactDigest.bucketCount, bucketsRead: 0, verification: nil))

            // A verifying round recomputes the sums from the stored rows.
            let round = try await env.comparator().round(verify: true)
            #expect(round.consistent)
            #expect(round.outcome.totalDiscrepancies == 1)
            let d = try #require(round.outcome.samples.first)
            #expect(d.table == .contactSummary && d.key == victim.contactId && d.kind == .valueMismatch)
            #expect(round.method == .checksums(buckets: ContactDigest.bucketCount, bucketsRead: 1, verification: SumVerification(driftedBuckets: 1)))
            #expect(d.fields == [Discrepancy.FieldDifference(field: "phone", legacy: JSONText.optionalString(victim.phone),
                                                 stream: "\"+19999999999\"")])
            #expect(d.verdict == .streamWrong, "\(d.explanation ?? "")")
            #expect(JSONReport.render(round).contains("\"verified\":true,\"drifted_buckets\":1"))

            let ignoring = try await env.comparator(rules: ComparisonRules(ignored: ["contact_summary.phone"])).round(verify: true)
            #expect(ignoring.clean)
        }
    }

    @Test("a legacy row changed with the digest trigger disabled: unseen by the maintained digests, one value_mismatch in a verifying round")
    func legacyWriteBehindTheTriggerIsFoundByAVerifyingRound() async throws {
        try await withComparatorEnvironment { env in
            try await env.produce(contacts: 30, events: 300, seed: 7)
            try await env.run()
            let victim = try #require(try await LegacyExport(postgres: env.postgres).contactSummaries().dropFirst(2).first)
            try await env.postgres.query("ALTER TABLE legacy.contact_summary DISABLE TRIGGER track_contact_digest")
            try await env.postgres.query("UPDATE legacy.contact_summary SET replies = replies + 1 WHERE contact_id = \(victim.contactId)")
            try await env.postgres.query("ALTER TABLE legacy.contact_summary ENABLE TRIGGER track_contact_digest")

            #expect(try await env.comparator().round().clean, "the maintained digests did not see the write")
            let round = try await env.comparator().round(verify: true)
            #expect(round.outcome.totalDiscrepancies == 1)
            let d = try #require(round.outcome.samples.first)
            #expect(d.key == victim.contactId && d.kind == .valueMismatch)
            #expect(d.fields == [Discrepancy.FieldDifference(field: "replies", legacy: String(victim.replies + 1), stream: String(victim.replies))])
        }
    }

    @Test("a round judges up to its limit, reading each partition once; a campus-day is judged from every partition's events")
    func judgingLimitAndCampusDays() async throws {
        try await withComparatorEnvironment { env in
            try await env.produce(contacts: 40, events: 400, seed: 4)
            try await env.run()
            let victims = try await LegacyExport(postgres: env.postgres).contactSummaries().prefix(3).map(\.contactId)
            for id in victims {
                try await env.postgres.query("UPDATE legacy.contact_summary SET replies = replies + 1 WHERE contact_id = \(id)")
            }
            let day = try #require(try await LegacyExport(postgres: env.postgres).campusDaily().first)
            try await env.postgres.query("""
                UPDATE legacy.campus_daily SET sent = sent + 2 WHERE campus_id = \(day.campusId) AND day = DATE '1970-01-01' + \(day.day.daysSinceEpoch)::int
                """)

            let limited = try await env.comparator(judgeLimit: 2).round()
            #expect(limited.outcome.mismatches == 4)
            #expect(limited.outcome.samples.map(\.verdict) == [.legacyWrong, .legacyWrong, .unjudged, .unjudged])
            #expect(limited.judging.verdicts == [.legacyWrong: 2, .unjudged: 2] && limited.judging.judged == 2)

            let all = try await env.comparator().round()
            #expect(all.outcome.samples.map(\.verdict) == [.legacyWrong, .legacyWrong, .legacyWrong, .legacyWrong], "\(all.outcome.samples.map(\.explanation))")
            let campusDay = try #require(all.outcome.samples.last)
            #expect(campusDay.table == .campusDaily && campusDay.reference == day.json)
            // Every message-events partition for the campus-day, the victims' contacts partitions:
            // each read once, however many keys need it.
            let store = StreamStore(redis: env.redis, prefix: env.prefix)
            var contactPartitions: Set<Int32> = []
            for id in victims { contactPartitions.insert(try #require(try await store.contact(id)).partition) }
            #expect(all.judging.cost.partitionsRead == 4 + contactPartitions.count)
        }
    }

    @Test("a verifying round over an untouched store: clean, nothing drifted, no row read")
    func verifyingRoundOfACleanStore() async throws {
        try await withComparatorEnvironment { env in
            try await env.produce(contacts: 40, events: 400, seed: 6)
            try await env.run()
            let round = try await env.comparator().round(verify: true)
            #expect(round.clean, "unexpected: \(round.outcome.samples)")
            #expect(round.method == .checksums(buckets: ContactDigest.bucketCount, bucketsRead: 0, verification: SumVerification(driftedBuckets: 0)))
        }
    }

    @Test("one path paused while input keeps coming: skipped, never a value_mismatch; stale only after the grace")
    func pausedPathIsLagThenStale() async throws {
        try await withComparatorEnvironment { env in
            try await env.produce(contacts: 30, events: 300, seed: 4)
            try await env.run()
            // More input for the same contacts; only the legacy path keeps up.
            try await env.produce(contacts: 30, events: 200, seed: 5)
            try await env.run(stream: false)

            let first = try await env.comparator(graceSeconds: 1).round()
            #expect(first.outcome.counts[.valueMismatch] == nil)
            #expect(first.outcome.mismatches == 0)
            #expect(first.outcome.counts[.stale] == nil)
            #expect(first.outcome.skippedLagging.values.reduce(0, +) > 0)
            #expect(first.streamLag > 0 && first.legacyLag == 0)
            #expect(first.method == .full(reason: "paths at different offsets"))
            #expect(first.clean)

            // Not a timing assertion: the second round merely has to start after the grace.
            try await Task.sleep(for: .milliseconds(1500))
            let second = try await env.comparator(graceSeconds: 1).round()
            #expect(second.outcome.mismatches == 0)
            let stale = second.outcome.counts[.stale] ?? 0
            #expect(stale > 0)
            #expect(stale == first.outcome.skippedLagging.values.reduce(0, +))
            #expect(second.outcome.samples.allSatisfy { $0.kind == .stale })
            #expect(!second.clean)
        }
    }

    @Test("SQL and Swift digest awkward rows alike: separators, Unicode, nulls, pre-1970 and far-future times")
    func digestsAgreeOnAwkwardRows() async throws {
        try await withComparatorEnvironment { env in
            let topics = env.configuration.topics
            func contact(_ id: String, campus: String, name: String, phone: String, optedOut: Bool, at: String) -> OutgoingRecord {
                let value = "{\"contact_id\":\(JSONText.string(id)),\"campus_id\":\(JSONText.string(campus)),"
                    + "\"first_name\":\(JSONText.string(name)),\"phone\":\(JSONText.string(phone)),"
                    + "\"opted_out\":\(optedOut),\"updated_at\":\"\(at)\"}"
                return OutgoingRecord(topic: topics.contacts, key: id, value: value)
            }
            func event(_ id: String, contact: String, campus: String, campaign: String?, kind: String, at: String) -> OutgoingRecord {
                let value = "{\"event_id\":\(JSONText.string(id)),\"contact_id\":\(JSONText.string(contact)),"
                    + "\"campus_id\":\(JSONText.string(campus)),\"campaign_id\":\(JSONText.optionalString(campaign)),"
                    + "\"kind\":\"\(kind)\",\"at\":\"\(at)\"}"
                return OutgoingRecord(topic: topics.messageEvents, key: contact, value: value)
            }
            let records = [
                // Separators of the digest's text form inside values, and a hash-tag brace.
                contact("a,1:2-", campus: "n,o:r-th", name: "3:abc,-", phone: "-", optedOut: true, at: "2026-01-01T00:00:00Z"),
                contact("{x}", campus: "south", name: "", phone: "+1", optedOut: false, at: "1969-12-31T23:59:59.999Z"),
                // Unicode: multi-byte lengths must be counted in bytes on both sides.
                contact("ünï", campus: "åland", name: "Zoë 👩🏽‍🎓 e\u{301}", phone: "+46", optedOut: false, at: "9999-12-31T23:59:59.999+00:00"),
                event("e1", contact: "ünï", campus: "åland", campaign: "fäll", kind: "sent", at: "1960-02-29T12:00:00.001Z"),
                event("e2", contact: "ünï", campus: "åland", campaign: nil, kind: "reply", at: "2030-06-01T23:59:59.999-05:00"),
                event("e3", contact: "ünï", campus: "åland", campaign: nil, kind: "opt_out", at: "2030-06-02T00:00:00Z"),
                event("e4", contact: "ünï", campus: "åland", campaign: nil, kind: "opt_in", at: "2030-06-02T00:00:00Z"),
                // Known only from events: campus, name and phone null.
                event("x1", contact: "only-events", campus: "west", campaign: "c1", kind: "sent", at: "2026-03-01T00:00:00Z"),
                event("x2", contact: "only-events", campus: "west", campaign: "c2", kind: "delivered", at: "2026-03-01T00:00:01Z"),
                event("x1", contact: "only-events", campus: "west", campaign: "c1", kind: "sent", at: "2026-03-01T00:00:00Z"),
            ]
            let producer = try KafkaProducer(configuration: env.configuration.kafka)
            try await producer.send(records)
            await producer.close()
            try await env.run()

            let round = try await env.comparator().round()
            #expect(round.clean, "unexpected: \(round.outcome.samples)")
            #expect(round.outcome.compared[.contactSummary] == 4)
            #expect(round.method == .checksums(buckets: ContactDigest.bucketCount, bucketsRead: 0, verification: nil))
        }
    }
}
