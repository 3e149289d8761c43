import BridgeSupport
import BridgeTestSupport
import Foundation
import Testing

/// What deploy/ ships works with the operator's own tools: the alert rules pass promtool and
/// their unit tests, the rules and the dashboard query only metrics the bridge exports, and a
/// real Prometheus (Debian's) scrapes a running `bridge run`, loads the rules and answers the
/// dashboard's queries.
@Suite struct ShippedMonitoringTests {
    static let deploy = BridgeProcess.packageRoot.appendingPathComponent("deploy")
    static let rules = deploy.appendingPathComponent("prometheus/bridge-alerts.yml")
    static let ruleTests = deploy.appendingPathComponent("prometheus/bridge-alerts.test.yml")
    static let dashboard = deploy.appendingPathComponent("grafana/bridge-dashboard.json")

    @Test func alertRulesPassPromtoolAndTheirTests() async throws {
        let check = try await ExternalTool.promtool.run(["check", "rules", Self.rules.path])
        #expect(check.status == 0 && check.output.contains("SUCCESS"), "\(check.output)")
        let test = try await ExternalTool.promtool.run(["test", "rules", Self.ruleTests.lastPathComponent],
                                                       in: Self.ruleTests.deletingLastPathComponent())
        #expect(test.status == 0 && test.output.contains("SUCCESS"), "\(test.output)")
    }

    @Test func everyAlertIsTestedFiringAndQuiet() throws {
        let rules = try String(contentsOf: Self.rules, encoding: .utf8)
        let tests = try String(contentsOf: Self.ruleTests, encoding: .utf8)
        let alerts = rules.matches(of: /- alert: (\w+)/).map { String($0.1) }
        #expect(Set(alerts) == ["BridgePathLagging", "BridgePathDown", "BridgeDiscrepancies", "BridgeComparatorNotRunning",
                                "BridgeGateClosedDuringCanary", "BridgeDeadLetters", "BridgeRolloutRolledBack"])
        // Each alert appears in a test that expects it and in one that expects silence.
        let cases = tests.components(separatedBy: "alertname: ").dropFirst().map { String($0) }
        for alert in alerts {
            let mine = cases.filter { $0.hasPrefix(alert + "\n") }
            #expect(mine.contains { $0.contains("exp_alerts:") }, "\(alert) is tested firing")
            #expect(mine.contains { !$0.prefix(while: { $0 != "-" }).contains("exp_alerts:") }, "\(alert) is tested quiet")
        }
    }

    @Test func rulesAndDashboardUseOnlyExportedMetrics() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard)) as? [String: Any]
        let panels = (json?["panels"] as? [[String: Any]]) ?? []
        let titles = Set(panels.compactMap { $0["title"] as? String })
        for wanted in ["Throughput", "Lag per partition", "End-to-end latency (stream path)", "Mismatch rate, latest round", "Rollout phase"] {
            #expect(titles.contains(wanted), "the dashboard has \(wanted): \(titles.sorted())")
        }
        let expressions = Self.dashboardExpressions()
        #expect(expressions.count >= 15)
        let rules = try String(contentsOf: Self.rules, encoding: .utf8)
        for text in expressions + [rules] {
            for match in text.matches(of: /bridge_[a-z0-9_]+/) {
                var name = String(match.0)
                for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && MetricCatalogue.entry(name) == nil {
                    name = String(name.dropLast(suffix.count))
                }
                #expect(MetricCatalogue.entry(name) != nil, "\(match.0) in deploy/ is not a metric the bridge exports")
            }
        }
    }

    @Test(.sharedMachine) func prometheusScrapesARunningBridge() async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "40", "--events", "400", "--seed", "72"])
            let http = BridgeHTTP(port: BridgeHTTP.freshPort())
            var bridge = env.bridge
            bridge.environment["BRIDGE_HTTP"] = http.address
            let (process, _, err) = try bridge.start(["run", "--legacy", "--stream"])
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

            let prometheus = try PrivatePrometheus(scraping: http.address, rules: Self.rules)
            defer { prometheus.remove() }
            try await prometheus.start()

            var consumed = 0.0
            let scraped = try await eventually(seconds: 90) {
                consumed = (try? await prometheus.value(of: "sum(bridge_records_consumed_total)")) ?? 0
                return consumed > 0
            }
            #expect(scraped, "Prometheus's query for the consumed-records counter returned \(consumed); bridge: \(tail(err)); prometheus: \(prometheus.log.suffix(800))")

            // The shipped rules load and evaluate without error against the real series.
            var rules: [(name: String, health: String)] = []
            let loaded = try await eventually(seconds: 20) {
                rules = try await prometheus.rules()
                return rules.count == 8 && rules.allSatisfy { $0.health == "ok" }
            }
            #expect(loaded, "rules: \(rules)")
            // Every dashboard query is valid PromQL to this Prometheus.
            for expression in Self.dashboardExpressions() {
                let query = expression.replacingOccurrences(of: "$__rate_interval", with: "1m")
                let answer = try await prometheus.query(query)
                #expect(answer.contains("\"status\":\"success\""), "\(query): \(answer.prefix(300))")
            }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    static func dashboardExpressions() -> [String] {
        guard let data = try? Data(contentsOf: dashboard),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        let panels = (json["panels"] as? [[String: Any]]) ?? []
        return panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
    }
}

/// A Prometheus server of one test's own: Debian's binary on a loopback port, with a scrape
/// configuration written by the test (one target, scraped every second) and the given rules.
final class PrivatePrometheus: @unchecked Sendable {
    let port = LoopbackPort.reserve()
    let directory: URL
    private var process: Process?

    init(scraping target: String, rules: URL) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - \(rules.path)
        scrape_configs:
          - job_name: bridge
            static_configs:
              - targets: ["\(target)"]
        """.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? "" }

    func start() async throws {
        let logFile = directory.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ExternalTool.prometheus.path)
        guard FileManager.default.isExecutableFile(atPath: ExternalTool.prometheus.path) else { throw ExternalTool.Missing(path: ExternalTool.prometheus.path) }
        process.arguments = ["--config.file=\(directory.appendingPathComponent("prometheus.yml").path)",
                             "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                             "--web.listen-address=127.0.0.1:\(port)"]
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let up = try await eventually(seconds: 30) { (try? await LoopbackHTTP.get(port: port, path: "/-/ready").code) == 200 }
        guard up else { throw Failed(description: "prometheus did not become ready: \(self.log.suffix(1000))") }
    }

    /// The raw JSON answer of an instant query.
    func query(_ promql: String) async throws -> String {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
        return try await LoopbackHTTP.get(port: port, path: "/api/v1/query?query=\(encoded)").body
    }

    /// The single value of an instant query (nil when it returned no series).
    func value(of promql: String) async throws -> Double? {
        let json = try JSONSerialization.jsonObject(with: Data(try await query(promql).utf8)) as? [String: Any]
        let result = ((json?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        return (result.first?["value"] as? [Any])?.last.flatMap { ($0 as? String).flatMap(Double.init) }
    }

    /// The loaded rules: name and health ("ok", "err" or "unknown" before the first evaluation).
    func rules() async throws -> [(name: String, health: String)] {
        let body = try await LoopbackHTTP.get(port: port, path: "/api/v1/rules").body
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let groups = ((json?["data"] as? [String: Any])?["groups"] as? [[String: Any]]) ?? []
        return groups.flatMap { ($0["rules"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "?", $0["health"] as? String ?? "?") } }
    }

    func remove() {
        if let process, process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }

    struct Failed: Error, CustomStringConvertible { var description: String }
}
