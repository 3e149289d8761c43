import BridgeModel
import PostgresClient

/// A change of the rollout's phase or percentage, as the reports chart it. Read from
/// `bridge.rollout_history` directly: the comparator does not depend on the rollout (just as the
/// rollout gate reads `bridge.comparison_rounds`).
package struct RolloutMove: Sendable, Hashable, Codable {
    package var id: Int64
    package var at: Timestamp
    package var action: String
    package var fromPhase: String
    package var fromPercent: Int
    package var toPhase: String
    package var toPercent: Int
    /// Made by the rollout plan by itself (else by an operator).
    package var automatic: Bool
    package var `operator`: String
    package var reason: String?

    package init(id: Int64, at: Timestamp, action: String, fromPhase: String, fromPercent: Int, toPhase: String, toPercent: Int,
                automatic: Bool, operator: String, reason: String?) {
        self.id = id
        self.at = at
        self.action = action
        self.fromPhase = fromPhase
        self.fromPercent = fromPercent
        self.toPhase = toPhase
        self.toPercent = toPercent
        self.automatic = automatic
        self.operator = `operator`
        self.reason = reason
    }

    /// "canary 10%", "shadow", "cutover".
    package var to: String { toPhase == "canary" ? "canary \(toPercent)%" : toPhase }
    package var from: String { fromPhase == "canary" ? "canary \(fromPercent)%" : fromPhase }

    /// The newest moves (set, advance, rollback; not plan or pause entries), oldest first.
    package static func recent(postgres: PostgresClient, limit: Int = 50) async throws -> [RolloutMove] {
        try await postgres.withConnection { conn in
            try conn.query("""
                SELECT id, (extract(epoch from at) * 1000)::bigint, action, coalesce(from_phase, ''), coalesce(from_percent, 0),
                       coalesce(to_phase, ''), coalesce(to_percent, 0), automatic, operator, reason
                  FROM bridge.rollout_history
                 WHERE action IN ('set', 'advance', 'rollback')
                 ORDER BY id DESC LIMIT \(limit)::bigint
                """).map { r in
                RolloutMove(id: try r.int(0), at: Timestamp(millis: try r.int(1)), action: try r.string(2), fromPhase: try r.string(3),
                            fromPercent: Int(try r.int(4)), toPhase: try r.string(5), toPercent: Int(try r.int(6)),
                            automatic: try r.bool(7), operator: try r.string(8), reason: r.optionalString(9))
            }.reversed()
        }
    }
}
