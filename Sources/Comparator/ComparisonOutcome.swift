/// What the key-by-key comparison of one round found, before it is stored.
public struct ComparisonOutcome: Sendable {
    /// Rows compared at the consistent cut, per table.
    public var compared: [ComparedTable: Int] = [:]
    /// Rows held back by lag within the grace period, per table (not compared, not stale).
    public var skippedLagging: [ComparedTable: Int] = [:]
    /// Every discrepancy found, per kind (the listed ones are a sample).
    public var counts: [DiscrepancyKind: Int] = [:]
    /// Up to the sample limit of mismatches and missing keys, then up to it of stale keys.
    public var samples: [Discrepancy] = []

    public init() {}

    public var comparedRows: Int { compared.values.reduce(0, +) }
    public var mismatches: Int { counts.filter { $0.key.isMismatch }.values.reduce(0, +) }
    public var totalDiscrepancies: Int { counts.values.reduce(0, +) }
    public var mismatchRate: Double { comparedRows == 0 ? 0 : Double(mismatches) / Double(comparedRows) }
    public var listedAll: Bool { samples.count == totalDiscrepancies }
}
