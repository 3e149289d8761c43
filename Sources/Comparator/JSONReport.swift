import BridgeModel

/// The round as one JSON object (contract section 5): `consistent`, `compared`,
/// `mismatch_rate` and `discrepancies` as the contract fixes them, plus the round id, timings,
/// lag per path and partition, skipped rows, counts per kind and the rules in force.
package enum JSONReport {
    package static func render(_ round: ComparisonRound) -> String {
        let o = round.outcome
        func perTable(_ values: [ComparedTable: Int]) -> String {
            object(ComparedTable.allCases.map { ($0.rawValue, String(values[$0] ?? 0)) })
        }
        let partitions = "[" + round.partitions.map { p in
            object([("topic", JSONText.string(p.partition.topic)), ("partition", String(p.partition.partition)),
                    ("legacy", String(p.legacy)), ("stream", String(p.stream)),
                    ("stream_settled", String(p.streamSettled)), ("stale", String(p.stale))])
        }.joined(separator: ",") + "]"
        let tolerance = object(round.rules.toleranceList.map { ($0.field, String($0.tolerance)) })
        return object([
            ("round_id", String(round.id)),
            ("started_at", JSONText.string(round.startedAt.iso8601)),
            ("finished_at", JSONText.string(round.finishedAt.iso8601)),
            ("duration_ms", String(round.durationMillis)),
            ("timings_ms", object([("legacy_read", String(round.legacyReadMillis)),
                                   ("stream_read", String(round.streamReadMillis)),
                                   ("compare", String(round.compareMillis))])),
            ("method", method(round.method)),
            ("consistent", String(round.consistent)),
            ("compared", perTable(o.compared)),
            ("skipped_lagging", perTable(o.skippedLagging)),
            ("mismatch_rate", number(o.mismatchRate)),
            ("discrepancy_count", String(o.totalDiscrepancies)),
            ("counts", object(Discrepancy.Kind.allCases.map { ($0.rawValue, String(o.counts[$0] ?? 0)) })),
            ("discrepancies_truncated", String(!o.listedAll)),
            ("discrepancies", "[" + o.samples.map(discrepancy).joined(separator: ",") + "]"),
            ("lag", object([("legacy", String(round.legacyLag)), ("stream", String(round.streamLag)),
                            ("partitions", partitions)])),
            ("judging", judging(round.judging)),
            ("grace_seconds", number(round.graceSeconds)),
            ("rules", object([("ignore", "[" + round.rules.ignoredList.map(JSONText.string).joined(separator: ",") + "]"),
                              ("tolerance", tolerance)])),
        ])
    }

    /// The verdicts on the round's mismatches and what judging them cost.
    static func judging(_ j: RoundJudging) -> String {
        object([("limit", String(j.limit)), ("judged", String(j.judged)), ("verdicts", verdictCounts(j)),
                ("records_read", String(j.cost.recordsRead)), ("partitions_read", String(j.cost.partitionsRead)),
                ("duration_ms", String(j.cost.millis)), ("failure", JSONText.optionalString(j.failure))])
    }

    /// Every verdict with its count (0 included), as stored in `bridge.comparison_rounds.verdicts`.
    static func verdictCounts(_ j: RoundJudging) -> String {
        object(Verdict.allCases.map { ($0.rawValue, String(j.verdicts[$0] ?? 0)) })
    }

    static func method(_ m: ComparisonMethod) -> String {
        switch m {
        case let .checksums(buckets, read, verification):
            object([("name", JSONText.string(m.name)), ("buckets", String(buckets)), ("buckets_read", String(read)),
                    ("verified", verification == nil ? "false" : "true"),
                    ("drifted_buckets", verification.map { String($0.driftedBuckets) } ?? "null")])
        case let .full(reason):
            object([("name", JSONText.string(m.name)), ("reason", JSONText.string(reason))])
        }
    }

    /// `legacy`/`stream` of a field are its canonical JSON values, embedded as JSON (not as
    /// strings), so `3` vs `4` and `null` vs `"north"` read as what they are.
    static func discrepancy(_ d: Discrepancy) -> String {
        let fields = "[" + d.fields.map { f in
            object([("field", JSONText.string(f.field)), ("legacy", f.legacy), ("stream", f.stream)])
        }.joined(separator: ",") + "]"
        return object([("table", JSONText.string(d.table.rawValue)), ("key", JSONText.string(d.key)),
                       ("kind", JSONText.string(d.kind.rawValue)), ("fields", fields),
                       ("legacy", d.legacyRow ?? "null"), ("stream", d.streamRow ?? "null"),
                       ("verdict", JSONText.string(d.verdict.rawValue)), ("explanation", JSONText.optionalString(d.explanation)),
                       ("reference", d.reference ?? "null")])
    }

    /// Names are our own ASCII identifiers or already-escaped keys; values are JSON text.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { "\(JSONText.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A finite double as a JSON number.
    static func number(_ x: Double) -> String {
        x.isFinite ? (x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)) : "null"
    }
}
