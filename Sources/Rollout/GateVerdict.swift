/// What the gate concluded and why, for refusals, `rollout status` and the audit trail.
package struct GateVerdict: Sendable, Hashable, Codable {
    /// True when a change giving the stream path more keys may go ahead without --force.
    package var open: Bool
    package var rounds: Int
    package var minKeys: Int64
    /// The ids of the rounds judged, newest first.
    package var checkedRounds: [Int64]
    /// One sentence per failed condition, naming the round and what was wrong with it.
    package var problems: [String]

    package init(open: Bool, rounds: Int, minKeys: Int64, checkedRounds: [Int64], problems: [String]) {
        self.open = open
        self.rounds = rounds
        self.minKeys = minKeys
        self.checkedRounds = checkedRounds
        self.problems = problems
    }

    package var summary: String {
        open ? "open: the newest \(rounds) comparison round\(rounds == 1 ? " is" : "s are") clean (\(checkedRounds.map { "#\($0)" }.joined(separator: ", ")))"
             : "closed: " + problems.joined(separator: "; ")
    }
}
