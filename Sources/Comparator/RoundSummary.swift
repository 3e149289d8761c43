import BridgeModel

/// A stored round as the history charts need it (bridge.comparison_rounds columns).
public struct RoundSummary: Sendable {
    public var id: Int64
    public var finishedAt: Timestamp?
    public var consistent: Bool
    public var discrepancies: Int64
    public var mismatchRate: Double
    public var legacyLag: Int64
    public var streamLag: Int64

    public init(id: Int64, finishedAt: Timestamp?, consistent: Bool, discrepancies: Int64, mismatchRate: Double,
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
