import BridgeModel
import Foundation

/// The round as one self-contained HTML page for people: no scripts, styles inline, charts as
/// inline SVG, every value escaped. Shows the verdict, the history of mismatch rate and lag,
/// the fields that differ most, and examples with both values side by side.
package enum HTMLReport {
    /// `history`: recent rounds and `moves`: the rollout's recent moves, oldest first.
    package static func render(_ round: ComparisonRound, history: [RoundSummary], fields: [RoundStore.FieldCount], moves: [RolloutMove] = []) -> String {
        let o = round.outcome
        let e = HTMLText.escape
        let verdict = round.clean ? (round.consistent ? "clean" : "nothing compared") : "\(o.totalDiscrepancies) \(o.totalDiscrepancies == 1 ? "discrepancy" : "discrepancies")"
        var h = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        h += "<title>Shadow comparison round \(round.id)</title><style>"
        h += "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
        h += "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
        h += "code{font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}.ok{color:#1a7f37}.bad{color:#cf222e}"
        h += "</style></head><body>"
        h += "<h1>Shadow comparison round \(round.id): <span class=\"\(round.clean && round.consistent ? "ok" : "bad")\">\(e(verdict))</span></h1>"
        h += "<table><tr><th>finished</th><td>\(e(round.finishedAt.iso8601))</td></tr>"
        h += "<tr><th>consistent cut</th><td>\(round.consistent)</td></tr>"
        for table in ComparedTable.allCases {
            h += "<tr><th>\(e(table.rawValue))</th><td>\(o.compared[table] ?? 0) compared, \(o.skippedLagging[table] ?? 0) skipped (lagging)</td></tr>"
        }
        h += "<tr><th>mismatch rate</th><td>\(e(percent(o.mismatchRate)))</td></tr>"
        for kind in Discrepancy.Kind.allCases { h += "<tr><th>\(e(kind.rawValue))</th><td>\(o.counts[kind] ?? 0)</td></tr>" }
        h += "<tr><th>lag (offsets behind)</th><td>legacy \(round.legacyLag), stream \(round.streamLag)</td></tr>"
        h += "<tr><th>duration</th><td>\(round.durationMillis) ms (legacy read \(round.legacyReadMillis) ms, stream read \(round.streamReadMillis) ms, compare \(round.compareMillis) ms)</td></tr>"
        h += "<tr><th>method</th><td>\(HTMLText.escape(round.method.description))</td></tr>"
        h += "<tr><th>verdicts</th><td>\(e(JudgingText.summary(round.judging, mismatches: o.mismatches)))</td></tr>"
        h += "</table>"

        h += "<h2>Recent rounds and the rollout</h2>"
        h += "<p>" + TimelineCharts.render(rounds: history, moves: moves, now: round.finishedAt) + "</p>"
        h += SVGLineChart(title: "Lag (offsets behind the other path)",
                          series: [.init(name: "legacy", color: "#0969da", values: history.map { Double($0.legacyLag) }),
                                   .init(name: "stream", color: "#bf8700", values: history.map { Double($0.streamLag) })],
                          formatMax: { String(Int64($0)) }).render()

        h += "<h2>Fields that differ most (recent rounds)</h2>"
        if fields.isEmpty {
            h += "<p>No field differed.</p>"
        } else {
            h += "<table><tr><th>table</th><th>field</th><th>mismatches</th></tr>"
            for f in fields { h += "<tr><td>\(e(f.table))</td><td>\(e(f.field))</td><td>\(f.count)</td></tr>" }
            h += "</table>"
        }

        h += "<h2>Examples</h2>"
        if o.samples.isEmpty {
            h += "<p>No discrepancy in this round.</p>"
        } else {
            if !o.listedAll { h += "<p>Showing \(o.samples.count) of \(o.totalDiscrepancies).</p>" }
            h += "<table><tr><th>table</th><th>key</th><th>kind</th><th>verdict</th><th>field</th><th>legacy</th><th>stream</th></tr>"
            for d in o.samples {
                let verdict = "<td class=\"\(d.verdict == .legacyWrong || d.verdict == .agree ? "" : "bad")\"><b>\(e(d.verdict.rawValue))</b></td>"
                if d.fields.isEmpty {
                    h += "<tr><td>\(e(d.table.rawValue))</td><td><code>\(e(d.key))</code></td><td>\(e(d.kind.rawValue))</td>\(verdict)<td>(row)</td>"
                    h += "<td><code>\(e(d.legacyRow ?? "absent"))</code></td><td><code>\(e(d.streamRow ?? "absent"))</code></td></tr>"
                }
                for f in d.fields {
                    h += "<tr><td>\(e(d.table.rawValue))</td><td><code>\(e(d.key))</code></td><td>\(e(d.kind.rawValue))</td>\(verdict)<td>\(e(f.field))</td>"
                    h += "<td><code>\(e(f.legacy))</code></td><td><code>\(e(f.stream))</code></td></tr>"
                }
                if let explanation = d.explanation {
                    h += "<tr><td></td><td colspan=\"6\"><small>\(e(explanation))\(d.reference.map { " — input gives <code>\(e($0))</code>" } ?? "")"
                    h += " (<code>bridge explain \(e(d.table == .campusDaily ? "'\(d.key)' --table campus_daily" : "'\(d.key)'"))</code>)</small></td></tr>"
                }
            }
            h += "</table>"
        }
        h += "</body></html>\n"
        return h
    }

    /// A rate for people: a percentage with four significant digits.
    static func percent(_ rate: Double) -> String {
        String(format: "%.4g%%", rate * 100)
    }
}
