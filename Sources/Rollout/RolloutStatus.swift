/// What `bridge rollout status` reports: the state, the gate's verdict now, recent history.
package struct RolloutStatus: Sendable, Hashable, Codable {
    package var phase: RolloutPhase
    package var percent: Int
    package var since: String?
    package var by: String?
    package var reason: String?
    package var gate: GateVerdict
    package var history: [RolloutHistoryEntry]
    /// The progressive plan, where it stands and what it does next (nil without a plan).
    package var plan: PlanStatus?

    package init(state: RolloutStore.State, gate: GateVerdict, history: [RolloutHistoryEntry], plan: PlanStatus? = nil) {
        phase = state.position.phase
        percent = state.position.percent
        since = state.since
        by = state.by
        reason = state.reason
        self.gate = gate
        self.history = history
        self.plan = plan
    }
}
