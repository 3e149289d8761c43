import PostgresClient

/// The rollout state in PostgreSQL (`bridge.rollout_state`, one row) and its audit trail
/// (`bridge.rollout_history`).
///
/// Every change runs in one transaction that first locks the state row (SELECT … FOR UPDATE):
/// two operators changing the rollout at once are serialised, and each judges the gate and
/// records its history row against the state the other one left, never against a stale read.
package struct RolloutStore: Sendable {
    package let postgres: PostgresClient

    package init(postgres: PostgresClient) {
        self.postgres = postgres
    }

    package struct NotMigrated: Error, CustomStringConvertible, Sendable {
        package var description: String { "postgresql: bridge.rollout_state has no row; run `bridge migrate` first" }
    }

    static let stateColumns: PostgresQuery = """
        phase, canary_percent,
        to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), changed_by, reason
        """

    /// The current phase and percentage only: the router's frequent, cheap read.
    package func position() async throws -> RolloutPosition {
        try await postgres.withConnection { conn in
            let rows = try conn.query("SELECT phase, canary_percent FROM bridge.rollout_state WHERE id = 1")
            guard rows.count == 1 else { throw NotMigrated() }
            return try Self.position(rows[0])
        }
    }

    package func state() async throws -> RolloutStore.State {
        try await postgres.withConnection { conn in try Self.state(conn, lock: false) }
    }

    /// The newest history entries, newest first.
    package func history(limit: Int) async throws -> [RolloutHistoryEntry] {
        try await postgres.withConnection { conn in
            try conn.query("""
                SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), operator, action,
                       from_phase, to_phase, from_percent, to_percent, forced, reason, automatic, array_to_string(round_ids, ',')
                  FROM bridge.rollout_history
                 ORDER BY id DESC
                 LIMIT \(limit)
                """).map { r in
                RolloutHistoryEntry(id: try r.int(0), at: try r.string(1), operator: try r.string(2), action: try r.string(3),
                                    fromPhase: r.optionalString(4), toPhase: r.optionalString(5),
                                    fromPercent: try r.optionalInt(6).map { Int($0) }, toPercent: try r.optionalInt(7).map { Int($0) },
                                    forced: try r.bool(8), reason: r.optionalString(9), automatic: try r.bool(10),
                                    roundIds: (r.optionalString(11) ?? "").split(separator: ",").compactMap { Int64($0) })
            }
        }
    }

    /// The gate's verdict now (for `status`).
    package func verdict(gate: RolloutGate) async throws -> GateVerdict {
        try await postgres.withConnection { conn in try gate.verdict(using: conn) }
    }

    /// Everything `rollout status` shows.
    package func status(gate: RolloutGate, historyLimit: Int = 5) async throws -> RolloutStatus {
        let state = try await state()
        let verdict = try await verdict(gate: gate)
        let history = try await history(limit: historyLimit)
        let plan = try await PlanStore(postgres: postgres).status(gate: gate)
        return RolloutStatus(state: state, gate: verdict, history: history, plan: plan)
    }

    /// shadow → canary (at `percent`, default 10) or canary → cutover, through the gate.
    package func advance(percent: Int? = nil, force: Bool, operator: String, reason: String?, gate: RolloutGate) async throws -> RolloutStore.Change {
        try await change(.advance, force: force, operator: `operator`, reason: reason, gate: gate) { current in
            guard let next = current.phase.next else {
                throw RolloutStore.Refused(action: .advance, reason: "already at cutover, there is no further phase")
            }
            return RolloutPosition(phase: next, percent: percent ?? 10)
        }
    }

    /// Moves to `phase` directly. Giving the stream path more keys goes through the gate;
    /// giving it fewer is always allowed. In canary, `percent` defaults to the current canary
    /// percentage (or 10 when coming from another phase).
    package func set(_ phase: RolloutPhase, percent: Int?, force: Bool, operator: String, reason: String?, gate: RolloutGate) async throws -> RolloutStore.Change {
        try await change(.set, force: force, operator: `operator`, reason: reason, gate: gate) { current in
            let p = percent ?? (current.phase == .canary ? current.percent : 10)
            return RolloutPosition(phase: phase, percent: p)
        }
    }

    /// Back to shadow from any phase (shadow included, which is recorded too): never gated,
    /// because serving from the legacy path is always safe.
    package func rollback(operator: String, reason: String?) async throws -> RolloutStore.Change {
        try await change(.rollback, force: false, operator: `operator`, reason: reason, gate: RolloutGate()) { _ in .shadow }
    }

    private func change(_ action: RolloutAction, force: Bool, operator: String, reason: String?, gate: RolloutGate,
                        target: @escaping @Sendable (RolloutPosition) throws -> RolloutPosition) async throws -> RolloutStore.Change {
        try await postgres.withConnection { conn in
            try conn.transaction { conn in
                let current = try Self.state(conn, lock: true).position
                let next = try target(current)
                var verdict: GateVerdict?
                var forced = false
                if next.streamShare > current.streamShare {
                    let judged = try gate.verdict(using: conn)
                    verdict = judged
                    if !judged.open {
                        guard force else { throw RolloutStore.Refused(action: action, reason: judged.summary, verdict: judged) }
                        forced = true
                    }
                }
                // A forced change keeps the gate's objections next to the operator's reason, so
                // an audit shows what was overridden without digging up old comparison rounds.
                var auditReason = reason
                if forced, let verdict {
                    let overridden = "forced past the gate: " + verdict.problems.joined(separator: "; ")
                    auditReason = reason.map { "\($0) (\(overridden))" } ?? overridden
                }
                let historyId = try Self.move(conn, action, from: current, to: next, operator: `operator`, forced: forced, reason: auditReason)
                // An operator's rollback stops a plan from taking the rollout forward again.
                if action == .rollback {
                    try PlanStore.pauseIfActive(conn, reason: "paused by the rollback of \(`operator`)" + (reason.map { ": \($0)" } ?? ""))
                }
                return RolloutStore.Change(action: action, from: current, to: next, forced: forced, verdict: verdict, historyId: historyId)
            }
        }
    }

    /// Writes a new position and its history row; every change, the plan's included, goes
    /// through here inside the transaction that locked the state row. A move to another
    /// position starts the plan's step again.
    static func move(_ conn: PostgresConnection, _ action: RolloutAction, from current: RolloutPosition, to next: RolloutPosition,
                     operator: String, forced: Bool = false, reason: String?, automatic: Bool = false, rounds: [Int64] = []) throws -> Int64 {
        try conn.query("""
            UPDATE bridge.rollout_state
               SET phase = \(next.phase.rawValue), canary_percent = \(next.percent), changed_at = now(),
                   changed_by = \(`operator`), reason = \(reason)
             WHERE id = 1
            """)
        if next != current { try PlanStore.restartStep(conn) }
        return try record(conn, action, at: current, to: next, operator: `operator`, forced: forced, reason: reason,
                          automatic: automatic, rounds: rounds)
    }

    /// One history row. Actions that do not move the rollout (plan, pause, stream reset) have
    /// the same position before and after.
    static func record(_ conn: PostgresConnection, _ action: RolloutAction, at current: RolloutPosition, to next: RolloutPosition? = nil,
                       operator: String, forced: Bool = false, reason: String?, automatic: Bool = false, rounds: [Int64] = []) throws -> Int64 {
        let next = next ?? current
        let roundIds = "{" + rounds.map(String.init).joined(separator: ",") + "}"
        return try conn.query("""
            INSERT INTO bridge.rollout_history
                   (operator, action, from_phase, to_phase, from_percent, to_percent, forced, reason, automatic, round_ids)
            VALUES (\(`operator`), \(action.rawValue), \(current.phase.rawValue), \(next.phase.rawValue), \(current.percent),
                    \(next.percent), \(forced), \(reason), \(automatic), \(roundIds)::bigint[])
            RETURNING id
            """)[0].int(0)
    }

    static func state(_ conn: PostgresConnection, lock: Bool) throws -> RolloutStore.State {
        let rows = try conn.query("SELECT \(fragment: stateColumns) FROM bridge.rollout_state WHERE id = 1\(fragment: lock ? " FOR UPDATE" : "")")
        guard rows.count == 1 else { throw NotMigrated() }
        let r = rows[0]
        return RolloutStore.State(position: try position(r), since: r.optionalString(2), by: r.optionalString(3), reason: r.optionalString(4))
    }

    private static func position(_ r: PostgresRow) throws -> RolloutPosition {
        let phase = try RolloutPhase(parsing: try r.string(0))
        return RolloutPosition(phase: phase, percent: Int(try r.int(1)))
    }
}

extension RolloutStore {
    /// A change that was made and recorded.
    package struct Change: Sendable, Hashable, Codable {
        package var action: RolloutAction
        package var from: RolloutPosition
        package var to: RolloutPosition
        /// True when the gate was closed and --force pushed the change through.
        package var forced: Bool
        /// The gate's verdict when the change needed it (it gave the stream path more keys).
        package var verdict: GateVerdict?
        package var historyId: Int64
    }

    /// The row of `bridge.rollout_state`: the current position and who put it there, when and why.
    package struct State: Sendable, Hashable, Codable {
        package var position: RolloutPosition
        /// RFC 3339 UTC with milliseconds, as PostgreSQL formatted it.
        package var since: String?
        package var by: String?
        package var reason: String?

        package init(position: RolloutPosition, since: String?, by: String?, reason: String?) {
            self.position = position
            self.since = since
            self.by = by
            self.reason = reason
        }
    }

    /// A rollout change that was not made: the gate was closed, or the request made no sense in the
    /// current phase. The description is the one line an operator sees.
    package struct Refused: Error, CustomStringConvertible, Sendable {
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
}
