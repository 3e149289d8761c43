import BridgeModel

/// One finished comparison round: what the reports show and what is stored.
public struct ComparisonRound: Sendable {
    /// bridge.comparison_rounds.id (0 before it is stored).
    public var id: Int64
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    public var durationMillis: Int64
    /// How long reading each store and comparing took.
    public var legacyReadMillis: Int64
    public var streamReadMillis: Int64
    public var compareMillis: Int64
    public var method: ComparisonMethod
    public var outcome: ComparisonOutcome
    /// Per input partition, sorted.
    public var partitions: [PartitionState]
    public var legacyLag: Int64
    public var streamLag: Int64
    public var graceSeconds: Double
    public var rules: ComparisonRules
    /// The verdicts on the round's mismatches and what judging them cost.
    public var judging: RoundJudging

    /// The contract's `consistent`: both paths were compared at the same input offsets. Every
    /// row compared is, by construction (a row whose paths stand at different offsets is
    /// skipped, or reported `stale`), so the round is consistent when it compared at least one
    /// row; a round whose cut left nothing to compare is not.
    public var consistent: Bool { outcome.comparedRows > 0 }
    public var clean: Bool { outcome.totalDiscrepancies == 0 }
}
