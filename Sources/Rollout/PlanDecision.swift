/// What the plan does after a round, decided from the state alone (no I/O), so that the rules
/// read in one place: roll back when the stream path may be wrong while it serves keys, advance
/// when the step's rounds are clean and its time is up, otherwise wait or hold.
enum PlanDecision: Sendable, Equatable {
    /// Nothing to do; the reason says what the plan waits for.
    case wait(String)
    /// The rollout is at cutover and nothing rolls it back.
    case complete
    case advance(to: RolloutPosition, rounds: [Int64], reason: String)
    case rollback(rounds: [Int64], reason: String)

    /// - Parameters:
    ///   - unchecked: rounds since the plan last looked, oldest first (for the rollback rule).
    ///   - counted: the newest rounds of the current step, newest first, at most `plan.rounds`.
    ///   - secondsInStep: since the current step began.
    static func decide(plan: RolloutPlan, position: RolloutPosition, unchecked: [RoundEvidence], counted: [RoundEvidence],
                       secondsInStep: Double, minKeys: Int64) -> PlanDecision {
        if plan.paused { return .wait("paused" + (plan.pausedReason.map { ": \($0)" } ?? "") + "; `bridge rollout resume` to go on") }
        // While the stream path serves keys, a mismatch it may be wrong about ends the rollout.
        if position.phase != .shadow {
            let bad = unchecked.filter { $0.rollbackReason != nil }
            if !bad.isEmpty {
                return .rollback(rounds: bad.map(\.id), reason: "plan: " + bad.compactMap(\.rollbackReason).joined(separator: "; ")
                                 + "; the stream path may be wrong while it serves \(position): back to shadow, plan paused")
            }
        }
        guard let next = plan.nextStep(after: position.streamShare) else { return .complete }
        let need = plan.rounds
        if counted.count < need {
            return .wait("\(counted.count) of the \(need) round\(need == 1 ? "" : "s") this step needs so far; then \(next) if \(need == 1 ? "it is" : "they are") clean")
        }
        let problems = counted.flatMap { $0.problems(minKeys: minKeys, acceptingLegacyWrong: plan.acceptsLegacyWrong) }
        if !problems.isEmpty {
            return .wait("holding at \(position): " + problems.joined(separator: "; ")
                         + " (the newest \(need) round\(need == 1 ? "" : "s") of the step must be clean before \(next))")
        }
        let left = Double(plan.minSeconds) - secondsInStep
        if left > 0 { return .wait("\(need) clean rounds; \(Int(left.rounded(.up))) s left in this step before \(next)") }
        let ids = counted.map(\.id).sorted()
        return .advance(to: next, rounds: ids, reason: "plan: rounds \(ids.map(String.init).joined(separator: ", ")) consistent and clean"
                        + " and \(Int(secondsInStep)) s at \(position) (needs \(need) rounds and \(plan.minSeconds) s)")
    }
}
