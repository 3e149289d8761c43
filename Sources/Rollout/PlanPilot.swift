import Logging
import Metrics
import PostgresClient

/// Carries the rollout plan out: `bridge run --shadow` calls it after each stored round. It
/// logs what the plan did or waits for, and never fails the comparator: a decision that could
/// not be taken (PostgreSQL away for a moment) is taken after the next round.
package struct PlanPilot: Sendable {
    let gate: RolloutGate
    let logger: Logger

    package init(gate: RolloutGate, logger: Logger) {
        self.gate = gate
        self.logger = logger
        // Exported at 0 from the start, so that an alert on their increase sees the first move.
        for action in ["advance", "rollback"] { Counter(label: "bridge_rollout_plan_moves_total", dimensions: [("action", action)]).increment(by: 0) }
    }

    @discardableResult
    package func afterRound(_ roundId: Int64, postgres: PostgresClient) async -> PlanOutcome? {
        do {
            let outcome = try await PlanStore(postgres: postgres).act(gate: gate)
            switch outcome {
            case .noPlan, .complete:
                break
            case .waiting(let reason):
                logger.info("rollout plan: after round \(roundId): \(reason)")
            case let .moved(from, to, historyId, reason):
                let action = to.streamShare > from.streamShare ? "advance" : "rollback"
                Counter(label: "bridge_rollout_plan_moves_total", dimensions: [("action", action)]).increment()
                logger.notice("rollout plan: \(action) \(from) -> \(to) (history #\(historyId)): \(reason)")
            }
            return outcome
        } catch {
            logger.error("rollout plan: no decision after round \(roundId): \(error)")
            return nil
        }
    }
}
