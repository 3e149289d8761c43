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
    /// A move the rollout plan made by itself (operator `bridge`), and the rounds it acted on.
    public var automatic: Bool
    public var roundIds: [Int64]

    public init(id: Int64, at: String, operator: String, action: String, fromPhase: String?, toPhase: String?,
                fromPercent: Int?, toPercent: Int?, forced: Bool, reason: String?, automatic: Bool = false, roundIds: [Int64] = []) {
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
        self.automatic = automatic
        self.roundIds = roundIds
    }

    enum CodingKeys: String, CodingKey {
        case id, at, `operator`, action, forced, reason, automatic
        case fromPhase = "from_phase", toPhase = "to_phase", fromPercent = "from_percent", toPercent = "to_percent", roundIds = "round_ids"
    }
}
