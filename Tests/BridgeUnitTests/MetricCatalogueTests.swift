import BridgeSupport
import PackageFiles
import Testing

/// Every metric the sources create has an entry in `MetricCatalogue`, every entry is created
/// somewhere, and the entries follow Prometheus' naming conventions. The live check, promtool on
/// a running bridge's `/metrics`, is MetricsLintTests.
@Suite struct MetricCatalogueTests {
    @Test func everyMetricInTheSourcesIsCatalogued() throws {
        let sources = try PackageFiles.swift(under: "Sources")
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
}
