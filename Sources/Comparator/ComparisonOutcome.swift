/// What the key-by-key comparison of one round found, before it is stored.
package struct ComparisonOutcome: Sendable {
    /// Rows compared at the consistent cut, per table.
    package var compared: [ComparedTable: Int] = [:]
    /// Rows held back by lag within the grace period, per table (not compared, not stale).
    package var skippedLagging: [ComparedTable: Int] = [:]
    /// Every discrepancy found, per kind (the listed ones are a sample).
    package var counts: [Discrepancy.Kind: Int] = [:]
    /// Up to the sample limit of mismatches and missing keys, then up to it of stale keys.
    package var samples: [Discrepancy] = []

    package init() {}

    package var comparedRows: Int { compared.values.reduce(0, +) }
    package var mismatches: Int { counts.filter { $0.key.isMismatch }.values.reduce(0, +) }
    package var totalDiscrepancies: Int { counts.values.reduce(0, +) }
    package var mismatchRate: Double { comparedRows == 0 ? 0 : Double(mismatches) / Double(comparedRows) }
    package var listedAll: Bool { samples.count == totalDiscrepancies }
}
