import Foundation

/// How a comparison round behaves, from BRIDGE_COMPARE_* variables (flags may override).
public struct ComparatorSettings: Sendable {
    /// Lag is reported as `stale` only once the lagging path has not reached, for this long,
    /// what the leading path had applied.
    public var graceSeconds: Double
    /// At most this many discrepancies of each group (mismatches and missing keys; stale keys)
    /// are listed and stored per round; all of them are counted.
    public var sampleLimit: Int
    public var rules: ComparisonRules

    public init(graceSeconds: Double = 60, sampleLimit: Int = 100, rules: ComparisonRules = ComparisonRules()) {
        self.graceSeconds = graceSeconds
        self.sampleLimit = sampleLimit
        self.rules = rules
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ComparatorSettings {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var settings = ComparatorSettings()
        if let text = value("BRIDGE_COMPARE_GRACE_SECONDS") {
            guard let n = Double(text), n >= 0, n.isFinite else {
                throw ComparisonRules.Invalid(variable: "BRIDGE_COMPARE_GRACE_SECONDS", reason: "\"\(text)\" is not a non-negative number")
            }
            settings.graceSeconds = n
        }
        if let text = value("BRIDGE_COMPARE_SAMPLE_LIMIT") {
            guard let n = Int(text), n >= 1 else {
                throw ComparisonRules.Invalid(variable: "BRIDGE_COMPARE_SAMPLE_LIMIT", reason: "\"\(text)\" is not a positive integer")
            }
            settings.sampleLimit = n
        }
        settings.rules = try ComparisonRules.parse(ignore: value("BRIDGE_COMPARE_IGNORE"),
                                                   tolerance: value("BRIDGE_COMPARE_TOLERANCE"))
        return settings
    }
}
