import Foundation

/// How a comparison round behaves, from BRIDGE_COMPARE_* variables (flags may override).
package struct ComparatorSettings: Sendable {
    /// Lag is reported as `stale` only once the lagging path has not reached, for this long,
    /// what the leading path had applied.
    package var graceSeconds: Double
    /// At most this many discrepancies of each group (mismatches and missing keys; stale keys)
    /// are listed and stored per round; all of them are counted.
    package var sampleLimit: Int
    package var rules: ComparisonRules
    /// Every this many rounds, `bridge run --shadow` verifies the stream's maintained digest sums
    /// by recomputing them from its stored rows (slower: every row is read), so a row changed
    /// behind the stream engine's back is still found. 0 never verifies.
    package var verifyEvery: Int
    /// At most this many of a round's listed mismatches are judged against the log (each
    /// partition they need read once); the rest are `unjudged`. 0 judges none.
    package var judgeLimit: Int
    /// A judgement that would read more input records than this is `undetermined` (also the
    /// default of `bridge explain --max-records`).
    package var judgeMaxRecords: Int

    package init(graceSeconds: Double = 60, sampleLimit: Int = 100, rules: ComparisonRules = ComparisonRules(), verifyEvery: Int = 10,
                judgeLimit: Int = 20, judgeMaxRecords: Int = 1_000_000) {
        self.graceSeconds = graceSeconds
        self.sampleLimit = sampleLimit
        self.rules = rules
        self.verifyEvery = verifyEvery
        self.judgeLimit = judgeLimit
        self.judgeMaxRecords = judgeMaxRecords
    }

    package static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ComparatorSettings {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var settings = ComparatorSettings()
        if let text = value("BRIDGE_COMPARE_GRACE_SECONDS") {
            guard let n = Double(text), n >= 0, n.isFinite else {
                throw ComparisonRules.Invalid(variable: "BRIDGE_COMPARE_GRACE_SECONDS", reason: "\"\(text)\" is not a non-negative number")
            }
            settings.graceSeconds = n
        }
        /// An integer setting of at least `minimum` (0 or 1), nil when unset.
        func integer(_ name: String, minimum: Int) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let n = Int(text), n >= minimum else {
                throw ComparisonRules.Invalid(variable: name, reason: "\"\(text)\" is not a \(minimum == 0 ? "non-negative" : "positive") integer")
            }
            return n
        }
        if let n = try integer("BRIDGE_COMPARE_SAMPLE_LIMIT", minimum: 1) { settings.sampleLimit = n }
        if let n = try integer("BRIDGE_COMPARE_VERIFY_EVERY", minimum: 0) { settings.verifyEvery = n }
        if let n = try integer("BRIDGE_COMPARE_JUDGE_LIMIT", minimum: 0) { settings.judgeLimit = n }
        if let n = try integer("BRIDGE_COMPARE_JUDGE_MAX_RECORDS", minimum: 1) { settings.judgeMaxRecords = n }
        settings.rules = try ComparisonRules.parse(ignore: value("BRIDGE_COMPARE_IGNORE"),
                                                   tolerance: value("BRIDGE_COMPARE_TOLERANCE"))
        return settings
    }
}
