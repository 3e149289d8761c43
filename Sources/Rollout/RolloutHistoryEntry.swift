/// One row of `bridge.rollout_history`: an audited change.
package struct RolloutHistoryEntry: Sendable, Hashable, Codable {
    package var id: Int64
    /// RFC 3339 UTC with milliseconds.
    package var at: String
    package var `operator`: String
    package var action: String
    package var fromPhase: String?
    package var toPhase: String?
    package var fromPercent: Int?
    package var toPercent: Int?
    package var forced: Bool
    package var reason: String?
    /// A move the rollout plan made by itself (operator `bridge`), and the rounds it acted on.
    package var automatic: Bool
    package var roundIds: [Int64]

    package init(id: Int64, at: String, operator: String, action: String, fromPhase: String?, toPhase: String?,
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
