import BridgeSupport
import BridgeTestSupport
import Foundation
import Testing

/// Every metric has help text and follows Prometheus' naming conventions, as the tools an
/// operator already runs judge them: `promtool check metrics` on a live `/metrics` prints
/// nothing. The help text comes from one place, `MetricCatalogue`; these tests fail for any
/// metric missing from it, whether it appears on a scrape or only in the source.
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

    @Test func everyMetricInTheSourcesIsCatalogued() throws {
        let sources = try SourceFiles.swift(under: "Sources")
        var used: [String: String] = [:]   // name -> a file that uses it
        let label = /label:\s*"(bridge_[a-z0-9_]+)"/
        for (file, text) in sources where !file.hasSuffix("MetricCatalogue.swift") {
            for match in text.matches(of: label) { used[String(match.1)] = file }
        }
        #expect(used.count >= 30, "found the metric labels: \(used.keys.sorted())")
        for (name, file) in used.sorted(by: { $0.key < $1.key }) {
            #expect(MetricCatalogue.entry(name) != nil, "\(name) (\(file)) has no entry in MetricCatalogue")
        }
        // And the catalogue describes nothing that is gone.
        for name in MetricCatalogue.entries.keys.sorted() {
            #expect(used[name] != nil, "MetricCatalogue lists \(name), which no source creates")
        }
    }

    @Test func catalogueFollowsTheNamingConventions() {
        for (name, entry) in MetricCatalogue.entries.sorted(by: { $0.key < $1.key }) {
            #expect(name.wholeMatch(of: /bridge_[a-z0-9]+(_[a-z0-9]+)*/) != nil, "\(name): snake_case with the bridge_ prefix")
            #expect((entry.kind == .counter) == name.hasSuffix("_total"), "\(name): _total on counters and only on them")
            #expect(!entry.help.isEmpty && entry.help.hasSuffix("."), "\(name): help is a sentence")
            if let unit = entry.unit {
                #expect(name.split(separator: "_").contains(Substring(unit)), "\(name): names its unit \(unit)")
                #expect(!["milliseconds", "minutes", "hours", "kilobytes", "megabytes"].contains(unit), "\(name): base units only")
            }
            if entry.kind == .histogram { #expect(entry.buckets != nil, "\(name): buckets chosen for what it measures") }
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

/// The package's own files, read for tests that check the code against a catalogue.
enum SourceFiles {
    /// (path relative to the package root, contents) of every .swift file under `folder`.
    static func swift(under folder: String) throws -> [(String, String)] {
        let root = BridgeProcess.packageRoot
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            files.append((String(url.path.dropFirst(root.path.count + 1)), try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }
}
