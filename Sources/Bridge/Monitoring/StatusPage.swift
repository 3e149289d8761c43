import BridgeModel
import Comparator
import Foundation
import Rollout

/// The human status page: one glance says whether the bridge is healthy, how far behind each
/// path is, which phase the rollout is in and whether the last comparisons were clean.
/// Self-contained (no external assets); refreshes itself every five seconds.
enum StatusPage {
    static func render(_ s: StatusSnapshot) -> String {
        let formatter = ISO8601DateFormatter()
        func date(_ d: Date?) -> String { d.map { formatter.string(from: $0) } ?? "—" }
        var html = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
        <title>bridge status</title><style>
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}h1{margin:0 0 .3em}
        .ok{color:#16794a}.bad{color:#b3261e}table{border-collapse:collapse;margin:.5em 0 1.5em}
        td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left}th{background:#f5f5f5}
        .banner{padding:.6em 1em;border-radius:6px;display:inline-block;font-weight:600}
        .banner.ok{background:#e3f4ea}.banner.bad{background:#fbe4e2}
        </style></head><body>
        <h1>SQL-to-stream bridge</h1>
        <p class="banner \(s.healthy ? "ok" : "bad")">\(s.healthy ? "healthy" : "unhealthy")</p>
        <p class="banner \(s.ready ? "ok" : "bad")">\(s.ready ? "ready" : "not ready")</p>
        <p>generated \(escape(date(s.generatedAt)))</p>
        """
        if !s.problems.isEmpty {
            html += "<h2>Problems</h2><ul>" + s.problems.map { "<li class=\"bad\">\(escape($0))</li>" }.joined() + "</ul>"
        }
        if !s.readinessProblems.isEmpty {
            html += "<h2>Not ready (this process)</h2><ul>" + s.readinessProblems.map { "<li class=\"bad\">\(escape($0))</li>" }.joined() + "</ul>"
        }
        html += "<h2>Rollout</h2>"
        if let r = s.rollout {
            html += "<p><b>\(escape(r.phase.rawValue))</b> — the stream path serves \(r.percent)% of keys · since \(escape(r.since ?? "—")) by \(escape(r.by ?? "—"))\(r.reason.map { " · " + escape($0) } ?? "")</p>"
            html += "<p>gate: <span class=\"\(r.gate.open ? "ok" : "bad")\">\(r.gate.open ? "open" : "closed")</span> · \(escape(r.gate.summary))</p>"
            if let plan = r.plan {
                html += "<p>plan: \(escape(plan.plan.summary))\(plan.plan.paused ? " · <span class=\"bad\">paused</span>" : "") · next: \(escape(plan.nextAction))</p>"
            }
        } else {
            html += "<p>unknown (PostgreSQL unreachable or not migrated)</p>"
        }
        html += "<h2>Timeline</h2><p>" + TimelineCharts.render(rounds: s.rounds.reversed().map(\.summary), moves: s.rolloutMoves,
                                                              now: Timestamp(millis: Int64(s.generatedAt.timeIntervalSince1970 * 1000))) + "</p>"
        html += "<h2>Paths</h2><table><tr><th>path</th><th>here</th><th>lag</th><th>records</th><th>last batch</th><th>last error</th></tr>"
        for p in s.paths {
            html += "<tr><td>\(escape(p.path))</td><td>\(p.runningHere ? "yes" : "no")</td><td class=\"\(p.lagTotal == 0 ? "ok" : "bad")\">\(p.lagTotal)</td><td>\(p.records.map(String.init) ?? "—")</td><td>\(escape(date(p.lastBatchAt)))</td><td>\(escape(p.lastError ?? ""))</td></tr>"
        }
        html += "</table><h2>Comparison rounds</h2><table><tr><th>round</th><th>finished</th><th>consistent</th><th>discrepancies</th><th>mismatch rate</th><th>legacy lag</th><th>stream lag</th></tr>"
        for r in s.rounds.prefix(10) {
            html += "<tr><td>\(r.id)</td><td>\(escape(r.finishedAt ?? "—"))</td><td>\(r.consistent ? "yes" : "no")</td><td class=\"\(r.discrepancies == 0 ? "ok" : "bad")\">\(r.discrepancies)</td><td>\(String(format: "%.4f", r.mismatchRate))</td><td>\(r.legacyLag)</td><td>\(r.streamLag)</td></tr>"
        }
        if s.rounds.isEmpty { html += "<tr><td colspan=\"7\">no round yet (bridge compare, or bridge run --shadow)</td></tr>" }
        html += "</table>"
        if let round = s.newestDiscrepancies.first?.roundId {
            html += "<h2>Discrepancies of round \(round)</h2><table><tr><th>table</th><th>key</th><th>kind</th><th>verdict</th><th>why</th></tr>"
            for d in s.newestDiscrepancies {
                let bad = !["legacy_wrong", "agree"].contains(d.verdict)
                html += "<tr><td>\(escape(d.table))</td><td><code>\(escape(d.key))</code></td><td>\(escape(d.kind))</td><td class=\"\(bad ? "bad" : "")\"><b>\(escape(d.verdict))</b></td><td>\(escape(d.explanation ?? ""))</td></tr>"
            }
            html += "</table>"
        }
        html += "<h2>Services</h2><table><tr><th>service</th><th>address</th><th>state</th><th>detail</th></tr>"
        for v in s.services {
            html += "<tr><td>\(escape(v.service))</td><td>\(escape(v.address))</td><td class=\"\(v.ok ? "ok" : "bad")\">\(v.ok ? "up" : "down")</td><td>\(escape(v.detail))</td></tr>"
        }
        html += "</table><p><a href=\"/status\">/status</a> · <a href=\"/metrics\">/metrics</a> · <a href=\"/healthz\">/healthz</a> · <a href=\"/readyz\">/readyz</a> · <a href=\"/livez\">/livez</a></p></body></html>\n"
        return html
    }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
