/// A rollout change that was not made: the gate was closed, or the request made no sense in the
/// current phase. The description is the one line an operator sees.
package struct RolloutRefused: Error, CustomStringConvertible, Sendable {
    package var action: RolloutAction
    package var reason: String
    /// The gate's verdict when the gate was the reason.
    package var verdict: GateVerdict?

    package var description: String {
        if let verdict, !verdict.open {
            return "rollout \(action.rawValue) refused: the gate is closed: \(verdict.problems.joined(separator: "; ")) "
                + "(run comparison rounds until the newest \(verdict.rounds) are clean, or pass --force to override; the override is audited)"
        }
        return "rollout \(action.rawValue) refused: \(reason)"
    }
}
