import BridgeModel
import BridgeTestSupport
import Foundation
import KafkaClient
import PostgresClient
import RedisClient
import Testing

/// `bridge explain` through the binary: each store corrupted in turn is named as the wrong one,
/// an untouched key agrees, and a key whose input the log no longer holds is undetermined.
@Suite(.serialized, .sharedMachine) struct ExplainTests {
    @Test func explainNamesTheWrongPathAgainstTheFoldOfTheInput() async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "300", "--events", "4000", "--seed", "81"])
            try await env.bridge.run(["run", "--legacy", "--stream", "--exit-when-idle"])
            let fold = try await env.referenceFold()
            let rows = fold.contactSummaryRows.filter { $0.messagesSent > 0 }
            let (clean, legacyVictim, streamVictim, bothVictim) = (rows[0].contactId, rows[1].contactId, rows[2].contactId, rows[3].contactId)

            // A clean key: both stores equal the fold; exit 0; the JSON has the contract's keys.
            let agree = try await explain(env, clean)
            #expect(agree.status == 0, "\(agree.stderr)")
            #expect(agree.json["verdict"] as? String == "agree")
            for key in ["key", "table", "verdict", "reference", "legacy", "stream", "records"] {
                #expect(agree.json[key] != nil, "JSON key \(key)")
            }
            #expect(agree.json["key"] as? String == clean && agree.json["table"] as? String == "contact_summary")
            let reference = try #require(agree.json["reference"] as? [String: Any])
            #expect(reference["messages_sent"] as? Int == Int(rows[0].messagesSent))
            // Its records: every record of the key, each with its coordinates and decoded form.
            let records = try #require(agree.json["records"] as? [[String: Any]])
            #expect(!records.isEmpty && records.allSatisfy { ($0["record"] ?? $0["rejected"]) != nil && $0["offset"] is Int && $0["topic"] is String })
            #expect(records.contains { $0["topic"] as? String == env.configuration.topics.contacts })

            // The legacy row changed behind the bridge's back: legacy_wrong, naming the field.
            let postgres = try await PostgresClient(url: env.configuration.postgresURL)
            defer { postgres.close() }
            try await postgres.query("UPDATE legacy.contact_summary SET messages_sent = messages_sent + 7 WHERE contact_id = \(legacyVictim)")
            let legacyWrong = try await explain(env, legacyVictim)
            #expect(legacyWrong.status == 1)
            #expect(legacyWrong.json["verdict"] as? String == "legacy_wrong", "\(legacyWrong.json["reason"] ?? legacyWrong.stderr)")
            let legacyFields = ((legacyWrong.json["differences"] as? [String: Any])?["legacy"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(legacyFields == ["messages_sent"])

            // The stream row changed in Redis (another contact's row written over it): stream_wrong.
            let redis = try await RedisClient(configuration: try env.configuration.redis())
            defer { redis.close() }
            try await overwriteStreamRow(redis, prefix: env.prefix, contact: streamVictim, with: clean)
            let streamWrong = try await explain(env, streamVictim)
            #expect(streamWrong.json["verdict"] as? String == "stream_wrong", "\(streamWrong.json["reason"] ?? streamWrong.stderr)")

            // Both changed: both_wrong. The text form says so on its first line.
            try await postgres.query("UPDATE legacy.contact_summary SET replies = replies + 1 WHERE contact_id = \(bothVictim)")
            try await overwriteStreamRow(redis, prefix: env.prefix, contact: bothVictim, with: clean)
            let text = try await env.bridge.runAllowingFailure(["explain", bothVictim])
            #expect(text.status == 1 && text.stdout.hasPrefix("contact_summary \(bothVictim): both_wrong"), "\(text.stdout.prefix(400))")

            // A campus-day judged from every partition's events: agree.
            let day = try #require(fold.campusDailyRows.first)
            let campus = try await explain(env, day.key.kafkaKey, table: "campus_daily")
            #expect(campus.json["verdict"] as? String == "agree", "\(campus.json["reason"] ?? campus.stderr)")
            #expect((campus.json["reference"] as? [String: Any])?["sent"] as? Int == Int(day.sent))

            // Bad input: one line, exit 64, nothing judged.
            let bad = try await env.bridge.runAllowingFailure(["explain", "no-day", "--table", "campus_daily"])
            #expect(bad.status == 64 && bad.stderr.contains("campus_id|YYYY-MM-DD"), "\(bad.stderr)")
        }
    }

    @Test func explainIsUndeterminedWhenTheLogNoLongerHoldsTheInput() async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "100", "--events", "1500", "--seed", "82"])
            try await env.bridge.run(["run", "--legacy", "--stream", "--exit-when-idle"])
            let key = try #require(try await env.referenceFold().contactSummaryRows.first?.contactId)

            // More records than allowed: undetermined, with the reason.
            let capped = try await explain(env, key, extra: ["--max-records", "10"])
            #expect(capped.json["verdict"] as? String == "undetermined")
            #expect((capped.json["reason"] as? String)?.contains("more than the limit of 10") == true, "\(capped.json["reason"] ?? "")")
            #expect(capped.json["reference"] is NSNull)

            // The input is no longer in the log from offset 0: the embedded broker has neither
            // retention nor DeleteRecords, so the topic is deleted and created again (the way a
            // lost topic looks: it restarts at offset 0, below what both stores applied).
            let admin = try KafkaAdmin(configuration: env.configuration.kafka)
            try await admin.deleteTopics([env.configuration.topics.messageEvents])
            try await admin.createTopics([env.configuration.topics.messageEvents], partitions: 4)
            let gone = try await explain(env, key)
            #expect(gone.status == 1)
            #expect(gone.json["verdict"] as? String == "undetermined", "\(gone.json)")
            #expect((gone.json["reason"] as? String)?.contains("before offset") == true, "\(gone.json["reason"] ?? "")")
            // The stored rows are still shown; nothing is judged against a partial fold.
            #expect(gone.json["legacy"] is [String: Any] && gone.json["stream"] is [String: Any])
        }
    }

    // MARK: - Helpers

    func explain(_ env: TestEnvironment, _ key: String, table: String = "contact_summary", extra: [String] = []) async throws
        -> (status: Int32, json: [String: Any], stderr: String) {
        let result = try await env.bridge.runAllowingFailure(["explain", key, "--table", table, "--format", "json"] + extra)
        let json = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result.status, json, result.stderr)
    }
}
