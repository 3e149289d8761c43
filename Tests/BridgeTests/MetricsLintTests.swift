import BridgeSupport
import BridgeTestSupport
import Foundation
import Testing

/// Every metric has help text and follows Prometheus' naming conventions, as the tools an
/// operator already runs judge them: `promtool check metrics` on a live `/metrics` prints
/// nothing. The help text comes from one place, `MetricCatalogue`; this test fails for any
/// metric on a scrape missing from it, MetricCatalogueTests (BridgeUnitTests) for any in the
/// source.
@Suite struct MetricsLintTests {
    @Test(.sharedMachine) func liveMetricsPassPromtool() async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "40", "--events", "500", "--seed", "71", "--invalid-share", "0.05"])
            let http = BridgeHTTP(port: BridgeHTTP.freshPort())
            var bridge = env.bridge
            bridge.environment["BRIDGE_HTTP"] = http.address
            // Every component, so that their metrics exist: paths, router, a round every second.
            let (process, _, err) = try bridge.start(["run", "--shadow-interval", "1"])
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            var metrics = ""
            let complete = try await eventually(seconds: 90, every: .seconds(1)) {
                metrics = await http.get("/metrics").body
                return ["bridge_records_consumed_total{path=\"stream\"}", "bridge_records_consumed_total{path=\"legacy\"}",
                        "bridge_comparison_rounds_total", "bridge_router_forwarded_total", "bridge_comparison_last_round_timestamp_seconds",
                        "bridge_dead_letters_total{path=\"legacy\"}"].allSatisfy(metrics.contains)
            }
            #expect(complete, "every component reported: \(metrics.prefix(600)); \(tail(err))")

            let lint = try await ExternalTool.promtool.run(["check", "metrics"], input: metrics)
            #expect(lint.status == 0 && lint.output.isEmpty, "promtool check metrics: \(lint.output)")

            // Each exported family is catalogued with the type it is exported as.
            let families = Self.types(in: metrics)
            #expect(families.count >= 30, "\(families.keys.sorted())")
            for (name, type) in families {
                let entry = MetricCatalogue.entry(name)
                #expect(entry?.kind.rawValue == type, "\(name) is exported as a \(type), catalogued as \(entry.map { "\($0.kind)" } ?? "nothing")")
            }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    /// `# TYPE name type` lines of a Prometheus text exposition.
    static func types(in exposition: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in exposition.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            if parts.count == 4 { result[String(parts[2])] = String(parts[3]) }
        }
        return result
    }
}
