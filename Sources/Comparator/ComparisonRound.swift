import BridgeModel

/// One finished comparison round: what the reports show and what is stored.
package struct ComparisonRound: Sendable {
    /// bridge.comparison_rounds.id (0 before it is stored).
    package var id: Int64
    package var startedAt: Timestamp
    package var finishedAt: Timestamp
    package var durationMillis: Int64
    /// How long reading each store and comparing took.
    package var legacyReadMillis: Int64
    package var streamReadMillis: Int64
    package var compareMillis: Int64
    package var method: ComparisonMethod
    package var outcome: ComparisonOutcome
    /// Per input partition, sorted.
    package var partitions: [PartitionState]
    package var legacyLag: Int64
    package var streamLag: Int64
    package var graceSeconds: Double
    package var rules: ComparisonRules
    /// The verdicts on the round's mismatches and what judging them cost.
    package var judging: RoundJudging

    /// The contract's `consistent`: both paths were compared at the same input offsets. Every
    /// row compared is, by construction (a row whose paths stand at different offsets is
    /// skipped, or reported `stale`), so the round is consistent when it compared at least one
    /// row; a round whose cut left nothing to compare is not.
    package var consistent: Bool { outcome.comparedRows > 0 }
    package var clean: Bool { outcome.totalDiscrepancies == 0 }
}
