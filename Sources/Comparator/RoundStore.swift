import BridgeModel
import PostgresClient

/// Persists comparison rounds (bridge.comparison_rounds, bridge.comparison_discrepancies) so
/// trends survive restarts and the rollout gate can read them; and reads the recent history
/// back for reports.
package struct RoundStore: Sendable {
    package let postgres: PostgresClient

    package init(postgres: PostgresClient) {
        self.postgres = postgres
    }

    /// Stores the round and its discrepancy samples in one transaction and returns the round
    /// with its id; the stored report (jsonb) carries that id too.
    package func save(_ round: ComparisonRound) async throws -> ComparisonRound {
        let o = round.outcome
        let insertRound: PostgresQuery = """
            INSERT INTO bridge.comparison_rounds (started_at, finished_at, consistent, compared_contacts,
                compared_campus_days, discrepancies, mismatch_rate, legacy_lag, stream_lag, duration_ms, mismatches, verdicts)
            VALUES (\(round.startedAt.iso8601)::timestamptz, \(round.finishedAt.iso8601)::timestamptz, \(round.consistent)::boolean,
                    \(o.compared[.contactSummary] ?? 0)::bigint, \(o.compared[.campusDaily] ?? 0)::bigint, \(o.totalDiscrepancies)::bigint,
                    \(o.mismatchRate)::double precision, \(round.legacyLag)::bigint, \(round.streamLag)::bigint,
                    \(round.durationMillis)::bigint, \(o.mismatches)::bigint, \(JSONReport.verdictCounts(round.judging))::jsonb)
            RETURNING id
            """
        let samples = Self.discrepancyRows(o.samples)
        return try await postgres.withConnection { conn in
            try conn.transaction { conn in
                let id = try conn.query(insertRound)[0].int(0)
                var stored = round
                stored.id = id
                let report = JSONReport.render(stored)
                try conn.query("UPDATE bridge.comparison_rounds SET report = \(report)::jsonb WHERE id = \(id)::bigint")
                try conn.query("""
                    INSERT INTO bridge.comparison_discrepancies (round_id, table_name, key, kind, field, legacy_value, stream_value, verdict)
                    SELECT \(id)::bigint, d.table_name, d.key, d.kind, d.field, d.legacy_value, d.stream_value, d.verdict
                      FROM jsonb_to_recordset(\(samples)::jsonb)
                           AS d(table_name text, key text, kind text, field text, legacy_value text, stream_value text, verdict text)
                    """)
                return stored
            }
        }
    }

    /// The most recent rounds, oldest first.
    package func recent(limit: Int = 50) async throws -> [RoundSummary] {
        try await postgres.withConnection { conn in
            try conn.query("""
                SELECT id, (extract(epoch from finished_at) * 1000)::bigint, coalesce(consistent, false),
                       coalesce(discrepancies, 0), coalesce(mismatch_rate, 0), coalesce(legacy_lag, 0), coalesce(stream_lag, 0)
                  FROM bridge.comparison_rounds ORDER BY id DESC LIMIT \(limit)::bigint
                """).map { r in
                RoundSummary(id: try r.int(0), finishedAt: try r.optionalInt(1).map(Timestamp.init(millis:)),
                             consistent: try r.bool(2), discrepancies: try r.int(3), mismatchRate: try r.double(4),
                             legacyLag: try r.int(5), streamLag: try r.int(6))
            }.reversed()
        }
    }

    /// The fields that differed most often in the value mismatches of the last `rounds` rounds.
    package func mostDifferingFields(rounds: Int = 50, limit: Int = 10) async throws -> [RoundStore.FieldCount] {
        try await postgres.withConnection { conn in
            try conn.query("""
                SELECT table_name, field, count(*)
                  FROM bridge.comparison_discrepancies
                 WHERE kind = 'value_mismatch' AND field IS NOT NULL
                   AND round_id IN (SELECT id FROM bridge.comparison_rounds ORDER BY id DESC LIMIT \(rounds)::bigint)
                 GROUP BY table_name, field
                 ORDER BY count(*) DESC, table_name, field
                 LIMIT \(limit)::bigint
                """).map { row in
                RoundStore.FieldCount(table: try row.string(0), field: try row.string(1), count: try row.int(2))
            }
        }
    }

    /// The discrepancies listed by the newest round, with their verdicts (empty when it found
    /// none), for the status page.
    package func newestDiscrepancies(limit: Int = 10) async throws -> [RoundStore.DiscrepancyExample] {
        try await postgres.withConnection { conn in
            try conn.query("""
                SELECT r.id, e.d->>'table', e.d->>'key', e.d->>'kind', coalesce(e.d->>'verdict', 'unjudged'), e.d->>'explanation'
                  FROM (SELECT id, report FROM bridge.comparison_rounds ORDER BY id DESC LIMIT 1) r,
                       jsonb_array_elements(coalesce(r.report->'discrepancies', '[]'::jsonb)) WITH ORDINALITY AS e(d, n)
                 ORDER BY e.n LIMIT \(limit)::bigint
                """).map { r in
                RoundStore.DiscrepancyExample(roundId: try r.int(0), table: try r.string(1), key: try r.string(2), kind: try r.string(3),
                                   verdict: try r.string(4), explanation: r.optionalString(5))
            }
        }
    }

    /// One row per (key, field) of a mismatch, one per key (field null) otherwise, as a JSON
    /// array for jsonb_to_recordset: a single parameter instead of SQL built from values.
    static func discrepancyRows(_ samples: [Discrepancy]) -> String {
        var rows: [String] = []
        func row(_ d: Discrepancy, field: String?, legacy: String?, stream: String?) -> String {
            "{\"table_name\":\(JSONText.string(d.table.rawValue)),\"key\":\(JSONText.string(d.key)),"
                + "\"kind\":\(JSONText.string(d.kind.rawValue)),\"field\":\(JSONText.optionalString(field)),"
                + "\"legacy_value\":\(JSONText.optionalString(legacy)),\"stream_value\":\(JSONText.optionalString(stream)),"
                + "\"verdict\":\(JSONText.string(d.verdict.rawValue))}"
        }
        for d in samples {
            if d.fields.isEmpty {
                rows.append(row(d, field: nil, legacy: d.legacyRow, stream: d.streamRow))
            } else {
                for f in d.fields { rows.append(row(d, field: f.field, legacy: f.legacy, stream: f.stream)) }
            }
        }
        return "[" + rows.joined(separator: ",") + "]"
    }
}

extension RoundStore {
    /// How often a field differed in the stored samples of recent rounds.
    package struct FieldCount: Sendable, Hashable {
        package var table: String
        package var field: String
        package var count: Int64

        package init(table: String, field: String, count: Int64) {
            self.table = table
            self.field = field
            self.count = count
        }
    }

    /// A discrepancy a stored round listed, as the status page shows it: the key, what differed
    /// and which path the round judged wrong, and why.
    package struct DiscrepancyExample: Sendable, Hashable, Codable {
        package var roundId: Int64
        package var table: String
        package var key: String
        package var kind: String
        package var verdict: String
        package var explanation: String?
    }
}
