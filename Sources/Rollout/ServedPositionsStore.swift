import PostgresClient

/// `bridge.router_served_positions`: the rollout positions the serving topic may still reflect
/// for some key, per router group (see migrations/0005_rollout.sql for why this is persisted).
package struct ServedPositionsStore: Sendable {
    package let postgres: PostgresClient
    package let group: String

    package init(postgres: PostgresClient, group: String) {
        self.postgres = postgres
        self.group = group
    }

    /// The recorded positions; a router group that never ran has served nothing but the initial
    /// shadow phase (every topic record it will read for the first time is routed afresh).
    package func load() async throws -> Set<RolloutPosition> {
        let group = self.group
        let positions = try await postgres.withConnection { conn in
            try conn.query("""
                SELECT phase, canary_percent FROM bridge.router_served_positions WHERE router_group = \(group)
                """).map { r -> RolloutPosition in
                let phase = try RolloutPhase(parsing: try r.string(0))
                return RolloutPosition(phase: phase, percent: Int(try r.int(1)))
            }
        }
        return positions.isEmpty ? [.shadow] : Set(positions)
    }

    /// Replaces the recorded set in one transaction.
    package func save(_ positions: Set<RolloutPosition>) async throws {
        let group = self.group
        try await postgres.withConnection { conn in
            try conn.transaction { conn in
                try conn.query("DELETE FROM bridge.router_served_positions WHERE router_group = \(group)")
                for p in positions {
                    try conn.query("""
                        INSERT INTO bridge.router_served_positions (router_group, phase, canary_percent)
                        VALUES (\(group), \(p.phase.rawValue), \(p.percent))
                        """)
                }
            }
        }
    }
}
