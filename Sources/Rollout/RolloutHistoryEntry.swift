/// One row of `bridge.rollout_history`: an audited change.
public struct RolloutHistoryEntry: Sendable, Hashable, Codable {
    public var id: Int64
    /// RFC 3339 UTC with milliseconds.
    public var at: String
    public var `operator`: String
    public var action: String
    public var fromPhase: String?
    public var toPhase: String?
    public var fromPercent: Int?
    public var toPercent: Int?
    public var forced: Bool
    public var reason: String?

    public init(id: Int64, at: String, operator: String, action: String, fromPhase: String?, toPhase: String?,
                fromPercent: Int?, toPercent: Int?, forced: Bool, reason: String?) {
        self.id = id
        self.at = at
        self.operator = `operator`
        self.action = action
        self.fromPhase = fromPhase
        self.toPhase = toPhase
        self.fromPercent = fromPercent
        self.toPercent = toPercent
        self.forced = forced
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case id, at, `operator`, action, forced, reason
        case fromPhase = "from_phase", toPhase = "to_phase", fromPercent = "from_percent", toPercent = "to_percent"
    }
}
