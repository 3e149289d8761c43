import Foundation
import Testing

/// `bridge demo` tells the whole story on an isolated slice of the services and leaves an HTML
/// report that loads in a browser.
@Suite(.sharedMachine) struct DemoTests {
    @Test func demoTellsTheWholeStory() async throws {
        try await withTestEnvironment { env in
            let reports = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(env.prefix)")
            let output = try await env.bridge.run(["demo", "--contacts", "200", "--events", "3000", "--seed", "5", "--report-dir", reports.path])
            let lines = output.split(separator: "\n").map(String.init)
            // Step 3 shows each path's rate, what it has left and the time that leaves (a line
            // every few seconds when, as here, the output is not a terminal), then a summary.
            let step3 = lines.drop { !$0.hasPrefix("== 3.") }.prefix { !$0.hasPrefix("== 4.") }
            #expect(step3.contains { $0.contains("legacy ") && ($0.contains("records/s") || $0.contains("joining its consumer group")) && $0.contains(" | stream ") },
                    "\(step3)")
            #expect(step3.contains { $0.contains("done in ") && $0.contains("legacy ") && $0.contains(" records in ") && $0.contains("records/s)") },
                    "\(step3)")
            // A clean round first, then the injected discrepancy found and named, then clean again.
            let rounds = lines.filter { $0.contains("round ") && $0.contains("compared") }
            #expect(rounds.first?.contains(": clean") == true, "\(rounds)")
            #expect(rounds.contains { $0.contains("1 discrepancies") })
            #expect(lines.contains { $0.contains("found: contact_summary key") && $0.contains("field messages_sent") })
            // Judged against the input records: the legacy path is the wrong one.
            #expect(lines.contains { $0.contains("legacy_wrong: judged against the fold of") && $0.contains("the stream row equals it") })
            #expect(rounds.last?.contains(": clean") == true)
            // A plan step happens by itself.
            #expect(lines.contains { $0.contains("the plan moved shadow -> canary 10% by itself") }, "\(lines.suffix(20))")
            #expect(lines.contains { $0.contains("gate: open") })
            let report = reports.appendingPathComponent("latest.html")
            #expect(lines.contains { $0.contains("HTML report: \(report.path)") })
            let html = try String(contentsOf: report, encoding: .utf8)
            // Self-contained: no scripts, stylesheets or images fetched from anywhere (the SVG
            // namespace URI is an identifier, not a fetch).
            let fetched = ["src=", "href=\"http", "url(", "@import", "<script"].filter { html.contains($0) }
            #expect(html.contains("<svg") && fetched.isEmpty, "self-contained, found \(fetched)")
            #expect(html.contains("(automatic)"), "the plan's move on the timeline")
            try screenshot(url: report.absoluteString, name: "comparison-report.png")
        }
    }
}
