import BridgeModel

/// A stored round as the history charts need it (bridge.comparison_rounds columns).
package struct RoundSummary: Sendable {
    package var id: Int64
    package var finishedAt: Timestamp?
    package var consistent: Bool
    package var discrepancies: Int64
    package var mismatchRate: Double
    package var legacyLag: Int64
    package var streamLag: Int64

    package init(id: Int64, finishedAt: Timestamp?, consistent: Bool, discrepancies: Int64, mismatchRate: Double,
                legacyLag: Int64, streamLag: Int64) {
        self.id = id
        self.finishedAt = finishedAt
        self.consistent = consistent
        self.discrepancies = discrepancies
        self.mismatchRate = mismatchRate
        self.legacyLag = legacyLag
        self.streamLag = streamLag
    }
}
