/// What `bridge rollout status` reports: the state, the gate's verdict now, recent history.
public struct RolloutStatus: Sendable, Hashable, Codable {
    public var phase: RolloutPhase
    public var percent: Int
    public var since: String?
    public var by: String?
    public var reason: String?
    public var gate: GateVerdict
    public var history: [RolloutHistoryEntry]
    /// The progressive plan, where it stands and what it does next (nil without a plan).
    public var plan: PlanStatus?

    public init(state: RolloutState, gate: GateVerdict, history: [RolloutHistoryEntry], plan: PlanStatus? = nil) {
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
