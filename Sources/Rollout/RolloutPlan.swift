/// A progressive rollout: the canary steps to take one after the other (the last one 100,
/// cutover), and what each step needs before the next: `rounds` clean comparison rounds since
/// the step began and `minSeconds` seconds. Stored in `bridge.rollout_plan`; carried out by
/// `bridge run --shadow` after each round (`PlanPilot`).
package struct RolloutPlan: Sendable, Hashable, Codable {
    /// Stream shares in increasing order, each 1...100, the last 100.
    package var steps: [Int]
    package var rounds: Int
    package var minSeconds: Int
    /// Verdicts the operator accepted as clean: only `legacy_wrong` (the legacy path is the
    /// wrong one; the stream path is right there).
    package var accept: [String]
    package var paused: Bool
    package var pausedReason: String?
    package var createdAt: String?
    package var createdBy: String?
    /// When the current step began, and the newest round id then: rounds after it count.
    package var stepSince: String?
    package var stepSinceRound: Int64
    /// The newest round the plan has checked for verdicts that roll back.
    package var checkedRound: Int64

    package static let acceptable = ["legacy_wrong"]

    package init(steps: [Int], rounds: Int, minSeconds: Int, accept: [String] = [], paused: Bool = false, pausedReason: String? = nil,
                createdAt: String? = nil, createdBy: String? = nil, stepSince: String? = nil, stepSinceRound: Int64 = 0, checkedRound: Int64 = 0) {
        self.steps = steps
        self.rounds = rounds
        self.minSeconds = minSeconds
        self.accept = accept
        self.paused = paused
        self.pausedReason = pausedReason
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.stepSince = stepSince
        self.stepSinceRound = stepSinceRound
        self.checkedRound = checkedRound
    }

    /// A plan that is not one (bad steps, counts or accepted verdicts); the description is the
    /// one line an operator sees.
    package struct Invalid: Error, CustomStringConvertible, Sendable {
        package var reason: String
        package init(reason: String) { self.reason = reason }
        package var description: String { "rollout plan: \(reason)" }
    }

    /// Checks what the command line gave.
    package func validated() throws -> RolloutPlan {
        guard !steps.isEmpty else { throw Invalid(reason: "--steps is empty; give percentages such as 1,10,50,100") }
        guard steps.allSatisfy({ (1...100).contains($0) }) else { throw Invalid(reason: "--steps must be percentages between 1 and 100") }
        guard zip(steps, steps.dropFirst()).allSatisfy({ $0 < $1 }) else { throw Invalid(reason: "--steps must increase: \(steps.map(String.init).joined(separator: ","))") }
        guard steps.last == 100 else { throw Invalid(reason: "--steps must end with 100 (cutover)") }
        guard rounds >= 1 else { throw Invalid(reason: "--rounds must be at least 1") }
        guard minSeconds >= 0 else { throw Invalid(reason: "--min-seconds must not be negative") }
        for verdict in accept where !Self.acceptable.contains(verdict) {
            throw Invalid(reason: "--accept takes legacy_wrong only (got \(verdict)): a mismatch the stream path may be wrong about is never accepted")
        }
        return self
    }

    package var acceptsLegacyWrong: Bool { accept.contains("legacy_wrong") }

    /// The step after a stream share: the first larger step (nil once at 100).
    package func nextStep(after share: Int) -> RolloutPosition? {
        guard let p = steps.first(where: { $0 > share }) else { return nil }
        return p == 100 ? .cutover : .canary(p)
    }

    /// "1,10,50,100; 3 clean rounds and 600 s per step; legacy_wrong accepted".
    package var summary: String {
        "steps \(steps.map(String.init).joined(separator: ",")); \(rounds) clean round\(rounds == 1 ? "" : "s") and \(minSeconds) s per step"
            + (accept.isEmpty ? "" : "; \(accept.joined(separator: ", ")) accepted")
    }
}
