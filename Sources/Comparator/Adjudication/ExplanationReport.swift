import BridgeModel
import BridgeSupport
import KafkaClient

/// `bridge explain` as text for people or as one JSON object (contract section 6: `key`,
/// `table`, `verdict`, `reference`, `legacy`, `stream`, `records`, and more).
package enum ExplanationReport {
    /// Records shown in the text form; the JSON form lists every one.
    static let textRecordLimit = 200

    package static func json(_ e: Explanation) -> String {
        let j = e.judgement
        let key = j.key
        func row(_ r: AggregateRow?) -> String { r?.json ?? "null" }
        let standing = JSONReport.object(StoredPath.allCases.map { path in
            (path.rawValue, j.standing[path].map { JSONText.string(name(of: $0)) } ?? "null")
        })
        let differences = JSONReport.object(StoredPath.allCases.map { path in
            guard case .differs(let fields)? = j.standing[path] else { return (path.rawValue, "[]") }
            return (path.rawValue, "[" + fields.map { f in
                JSONReport.object([("field", JSONText.string(f.field)), ("stored", f.stored), ("reference", f.reference)])
            }.joined(separator: ",") + "]")
        })
        let offsets = "[" + key.partitions.map { tp in
            JSONReport.object([("topic", JSONText.string(tp.topic)), ("partition", String(tp.partition)),
                               ("legacy", String(key.legacyOffsets[tp] ?? 0)), ("stream", String(key.streamOffsets[tp] ?? 0))])
        }.joined(separator: ",") + "]"
        let records = "[" + sorted(e.records).map { record(e, $0) }.joined(separator: ",") + "]"
        return JSONReport.object([
            ("key", JSONText.string(key.keyText)),
            ("table", JSONText.string(key.table.rawValue)),
            ("verdict", JSONText.string(j.verdict.rawValue)),
            ("reason", JSONText.string(j.reason)),
            ("reference", row(j.reference)),
            ("legacy", row(key.legacy)),
            ("stream", row(key.stream)),
            ("references", JSONReport.object(StoredPath.allCases.map { ($0.rawValue, row(j.referenceFor[$0] ?? nil)) })),
            ("standing", standing),
            ("differences", differences),
            ("offsets", offsets),
            ("records", records),
            ("records_read", String(e.cost.recordsRead)),
            ("partitions_read", String(e.cost.partitionsRead)),
            ("duration_ms", String(e.cost.millis)),
        ]) + "\n"
    }

    package static func text(_ e: Explanation) -> String {
        let j = e.judgement
        let key = j.key
        var out = "\(key.table.rawValue) \(key.keyText): \(j.verdict.rawValue)\n\(j.reason)\n\n"

        out += table([["applied offsets", "legacy", "stream"]] + key.partitions.map { tp in
            ["  \(tp)", String(key.legacyOffsets[tp] ?? 0), String(key.streamOffsets[tp] ?? 0)]
        }) + "\n"

        out += fieldTable(j) + "\n"

        let listed = sorted(e.records)
        let what = key.table == .contactSummary ? "records with this key" : "valid events of this campus-day"
        out += "\(listed.count) input \(what) (\(e.cost.recordsRead) records read from \(e.cost.partitionsRead) partitions in \(e.cost.millis) ms):\n"
        var lines: [[String]] = []
        for r in listed.prefix(textRecordLimit) {
            var cells = ["  \(e.topics.name(of: r.input))[\(r.partition)]@\(r.offset)", r.timestampMillis.map { Timestamp(millis: $0).iso8601 } ?? "-"]
            switch r.decoded {
            case .success(let record): cells.append(recordJSON(record) + (r.counted || !isEvent(record) ? "" : "  (duplicate event id: not counted)"))
            case .failure(let rejection): cells.append("rejected: \(rejection)")
            }
            let applied = appliedBy(key, r, e.topics)
            if applied.count == 1 { cells[cells.count - 1] += "  (applied by \(applied[0].rawValue) only)" }
            lines.append(cells)
        }
        if !lines.isEmpty { out += table(lines) }
        if listed.count > textRecordLimit { out += "  … \(listed.count - textRecordLimit) more (--format json lists every one)\n" }
        return out
    }

    /// The fields side by side: the reference, then each store (with its own reference when
    /// the stores stand at different offsets); `*` marks a field that differs from it.
    static func fieldTable(_ j: Judgement) -> String {
        let key = j.key
        guard j.verdict != .undetermined && j.verdict != .unjudged else {
            return "legacy row: \(key.legacy?.json ?? "none")\nstream row: \(key.stream?.json ?? "none")\n"
        }
        let sameOffsets = key.storesAtSameOffsets
        let names = (key.legacy ?? key.stream ?? j.reference ?? j.referenceFor[.legacy] ?? j.referenceFor[.stream] ?? nil)?.fieldValues.map(\.name) ?? []
        func values(_ row: AggregateRow?) -> [String: String] {
            Dictionary(uniqueKeysWithValues: (row?.fieldValues ?? []).map { ($0.name, $0.json) })
        }
        func marked(_ path: StoredPath) -> Set<String> {
            guard case .differs(let fields)? = j.standing[path] else { return [] }
            return Set(fields.map(\.field))
        }
        let legacy = values(key.legacy), stream = values(key.stream)
        let legacyRef = values(j.referenceFor[.legacy] ?? nil), streamRef = values(j.referenceFor[.stream] ?? nil)
        let (legacyMarks, streamMarks) = (marked(.legacy), marked(.stream))
        func cell(_ v: [String: String], _ name: String, row: AggregateRow?, marks: Set<String> = []) -> String {
            guard row != nil else { return "(no row)" }
            return (v[name] ?? "") + (marks.contains(name) ? " *" : "")
        }
        var rows: [[String]] = sameOffsets ? [["field", "input (reference)", "legacy", "stream"]]
            : [["field", "input at legacy's offsets", "legacy", "input at stream's offsets", "stream"]]
        for name in names {
            let l = cell(legacy, name, row: key.legacy, marks: legacyMarks), s = cell(stream, name, row: key.stream, marks: streamMarks)
            rows.append(sameOffsets ? [name, cell(legacyRef, name, row: j.referenceFor[.legacy] ?? nil), l, s]
                        : [name, cell(legacyRef, name, row: j.referenceFor[.legacy] ?? nil), l, cell(streamRef, name, row: j.referenceFor[.stream] ?? nil), s])
        }
        return table(rows) + (legacyMarks.isEmpty && streamMarks.isEmpty ? "" : "(* differs from the input's fold)\n")
    }

    static func name(of standing: Judgement.Standing) -> String {
        switch standing {
        case .matches: "matches"
        case .differs: "differs"
        case .missing: "missing"
        case .unexpected: "unexpected"
        }
    }

    static func record(_ e: Explanation, _ r: InputLog.Listed) -> String {
        var members: [(String, String)] = [
            ("topic", JSONText.string(e.topics.name(of: r.input))), ("partition", String(r.partition)), ("offset", String(r.offset)),
            ("timestamp", JSONText.optionalTimestamp(r.timestampMillis.map(Timestamp.init(millis:)))),
            ("applied_by", "[" + appliedBy(e.judgement.key, r, e.topics).map { JSONText.string($0.rawValue) }.joined(separator: ",") + "]"),
        ]
        switch r.decoded {
        case .success(let record):
            members.append(("record", recordJSON(record)))
            members.append(("duplicate", String(isEvent(record) && !r.counted)))
        case .failure(let rejection):
            members.append(("rejected", JSONReport.object([("code", JSONText.string(rejection.code.rawValue)), ("reason", JSONText.string(rejection.reason))])))
        }
        return JSONReport.object(members)
    }

    /// The decoded record as the one decoder read it (normalised timestamps).
    static func recordJSON(_ record: InputRecord) -> String {
        switch record {
        case .contact(let c):
            JSONReport.object([("contact_id", JSONText.string(c.contactId)), ("campus_id", JSONText.string(c.campusId)),
                               ("first_name", JSONText.string(c.firstName)), ("phone", JSONText.string(c.phone)),
                               ("opted_out", String(c.optedOut)), ("updated_at", JSONText.optionalTimestamp(c.updatedAt))])
        case .event(let m):
            JSONReport.object([("event_id", JSONText.string(m.eventId)), ("contact_id", JSONText.string(m.contactId)),
                               ("campus_id", JSONText.string(m.campusId)), ("campaign_id", JSONText.optionalString(m.campaignId)),
                               ("kind", JSONText.string(m.kind.rawValue)), ("at", JSONText.optionalTimestamp(m.at))])
        }
    }

    static func isEvent(_ record: InputRecord) -> Bool {
        if case .event = record { return true }
        return false
    }

    /// The stores that had applied the record (its offset below their next offset).
    static func appliedBy(_ key: ContestedKey, _ r: InputLog.Listed, _ topics: TopicNames) -> [StoredPath] {
        let tp = TopicPartition(topics.name(of: r.input), r.partition)
        return StoredPath.allCases.filter { r.offset < ((($0 == .legacy ? key.legacyOffsets : key.streamOffsets)[tp]) ?? 0) }
    }

    static func sorted(_ records: [InputLog.Listed]) -> [InputLog.Listed] {
        records.sorted { ($0.input.rawValue, $0.partition, $0.offset) < ($1.input.rawValue, $1.partition, $1.offset) }
    }

    /// Left-aligned columns, two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, text in c == row.count - 1 ? text : text.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
