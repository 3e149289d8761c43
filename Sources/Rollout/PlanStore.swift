import PostgresClient

/// The rollout plan in PostgreSQL (`bridge.rollout_plan`, at most one row): the operator's
/// commands (set, clear, pause, resume), what `rollout status` shows of it, and `act`, the
/// decision `bridge run --shadow` takes after each round.
///
/// Every write locks `bridge.rollout_state` first (as every rollout change does), then the
/// plan row, in the transaction that decides and records: two processes never both act on
/// the same rounds, and each starts from what the other left.
package struct PlanStore: Sendable {
    package let postgres: PostgresClient

    package init(postgres: PostgresClient) {
        self.postgres = postgres
    }

    /// A command that needs a plan found none.
    package struct NoPlan: Error, CustomStringConvertible, Sendable {
        package var description: String { "no rollout plan; create one with bridge rollout plan --steps 1,10,50,100 --rounds K --min-seconds S" }
    }

    package func plan() async throws -> RolloutPlan? {
        try await postgres.withConnection { conn in try Self.load(conn, lock: false)?.plan }
    }

    /// Creates the plan or replaces the one there; its first step begins now.
    @discardableResult
    package func set(_ plan: RolloutPlan, operator: String, reason: String?) async throws -> Int64 {
        let plan = try plan.validated()
        let steps = "{" + plan.steps.map(String.init).joined(separator: ",") + "}"
        let accept = "{" + plan.accept.joined(separator: ",") + "}"
        return try await postgres.withConnection { conn in
            try conn.transaction { conn in
                let position = try RolloutStore.state(conn, lock: true).position
                try conn.query("""
                    INSERT INTO bridge.rollout_plan (id, steps, rounds, min_seconds, accept, created_by, step_since_round, checked_round)
                    VALUES (1, \(steps)::int[], \(plan.rounds), \(plan.minSeconds), \(accept)::text[], \(`operator`),
                            \(fragment: Self.newestRound), \(fragment: Self.newestRound))
                    ON CONFLICT (id) DO UPDATE
                       SET steps = EXCLUDED.steps, rounds = EXCLUDED.rounds, min_seconds = EXCLUDED.min_seconds,
                           accept = EXCLUDED.accept, paused = false, paused_reason = NULL, created_at = now(),
                           created_by = EXCLUDED.created_by, step_since = now(),
                           step_since_round = EXCLUDED.step_since_round, checked_round = EXCLUDED.checked_round
                    """)
                return try RolloutStore.record(conn, .plan, at: position, operator: `operator`,
                                               reason: plan.summary + (reason.map { " — \($0)" } ?? ""))
            }
        }
    }

    /// Removes the plan; the rollout stays where it is. Returns false when there was none.
    @discardableResult
    package func clear(operator: String, reason: String?) async throws -> Bool {
        try await postgres.withConnection { conn in
            try conn.transaction { conn in
                let position = try RolloutStore.state(conn, lock: true).position
                guard try conn.query("DELETE FROM bridge.rollout_plan WHERE id = 1 RETURNING id").count == 1 else { return false }
                _ = try RolloutStore.record(conn, .planClear, at: position, operator: `operator`, reason: reason)
                return true
            }
        }
    }

    /// Stops (`paused`) or restarts the plan's automatic moves. Throws `NoPlan` without a plan.
    package func setPaused(_ paused: Bool, operator: String, reason: String?) async throws {
        try await postgres.withConnection { conn in
            try conn.transaction { conn in
                let position = try RolloutStore.state(conn, lock: true).position
                guard try Self.load(conn, lock: true) != nil else { throw NoPlan() }
                let pausedReason: String? = paused ? reason ?? "paused by \(`operator`)" : nil
                try conn.query("UPDATE bridge.rollout_plan SET paused = \(paused), paused_reason = \(pausedReason) WHERE id = 1")
                _ = try RolloutStore.record(conn, paused ? .pause : .resume, at: position, operator: `operator`, reason: reason)
            }
        }
    }

    /// What the plan does after a round: rolls back, advances, or records what it waits for.
    /// Runs in one transaction holding the state row's lock.
    package func act(gate: RolloutGate) async throws -> PlanOutcome {
        try await postgres.withConnection { conn in
            try conn.transaction { conn in
                let position = try RolloutStore.state(conn, lock: true).position
                guard let (plan, seconds) = try Self.load(conn, lock: true) else { return .noPlan }
                // A paused plan waits whatever the rounds say: not worth reading them after each round.
                let evidence = plan.paused ? (unchecked: [], counted: []) : try Self.evidence(conn, plan: plan)
                let decision = PlanDecision.decide(plan: plan, position: position, unchecked: evidence.unchecked, counted: evidence.counted,
                                                   secondsInStep: seconds, minKeys: gate.minKeys)
                if plan.paused { return .waiting(decision.description) }
                // Rounds looked at once are not looked at again for a rollback.
                if let newest = evidence.unchecked.last?.id {
                    try conn.query("UPDATE bridge.rollout_plan SET checked_round = greatest(checked_round, \(newest)) WHERE id = 1")
                }
                switch decision {
                case .wait(let reason):
                    return .waiting(reason)
                case .complete:
                    return .complete
                case let .advance(next, rounds, reason):
                    let id = try RolloutStore.move(conn, .advance, from: position, to: next, operator: Self.pilot, reason: reason,
                                                   automatic: true, rounds: rounds)
                    return .moved(from: position, to: next, historyId: id, reason: reason)
                case let .rollback(rounds, reason):
                    let id = try RolloutStore.move(conn, .rollback, from: position, to: .shadow, operator: Self.pilot, reason: reason,
                                                   automatic: true, rounds: rounds)
                    try Self.pauseIfActive(conn, reason: "automatic rollback (history #\(id)): \(reason)")
                    return .moved(from: position, to: .shadow, historyId: id, reason: reason)
                }
            }
        }
    }

    /// The plan as `rollout status` shows it: where it stands and what it would do now.
    package func status(gate: RolloutGate) async throws -> PlanStatus? {
        try await postgres.withConnection { conn in
            guard let (plan, seconds) = try Self.load(conn, lock: false) else { return nil }
            let position = try RolloutStore.state(conn, lock: false).position
            let evidence = try Self.evidence(conn, plan: plan)
            let decision = PlanDecision.decide(plan: plan, position: position, unchecked: evidence.unchecked, counted: evidence.counted,
                                               secondsInStep: seconds, minKeys: gate.minKeys)
            return PlanStatus(plan: plan, position: position, next: plan.nextStep(after: position.streamShare),
                              countedRounds: evidence.counted.map(\.id).sorted(), secondsInStep: Int(seconds), nextAction: decision.description)
        }
    }

    // MARK: - Inside other transactions

    /// The operator name of automatic moves.
    static let pilot = "bridge"

    /// SQL for the newest round id now (0 without rounds).
    static let newestRound: PostgresQuery = "(SELECT coalesce(max(id), 0) FROM bridge.comparison_rounds)"

    /// The rollout moved: the plan's step begins again now, counting rounds from here.
    static func restartStep(_ conn: PostgresConnection) throws {
        try conn.query("UPDATE bridge.rollout_plan SET step_since = now(), step_since_round = \(fragment: newestRound) WHERE id = 1")
    }

    /// Pauses a plan that is not paused, with a history entry; true when it did.
    @discardableResult
    static func pauseIfActive(_ conn: PostgresConnection, reason: String) throws -> Bool {
        let paused = try conn.query("""
            UPDATE bridge.rollout_plan SET paused = true, paused_reason = \(reason) WHERE id = 1 AND NOT paused RETURNING id
            """)
        guard paused.count == 1 else { return false }
        let position = try RolloutStore.state(conn, lock: false).position
        _ = try RolloutStore.record(conn, .pause, at: position, operator: pilot, reason: reason, automatic: true)
        return true
    }

    /// The plan and the seconds since its step began (by the database's clock).
    static func load(_ conn: PostgresConnection, lock: Bool) throws -> (plan: RolloutPlan, secondsInStep: Double)? {
        let rows = try conn.query("""
            SELECT array_to_string(steps, ','), rounds, min_seconds, array_to_string(accept, ','), paused, paused_reason,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), created_by,
                   to_char(step_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), step_since_round, checked_round,
                   extract(epoch from now() - step_since)::double precision
              FROM bridge.rollout_plan WHERE id = 1\(fragment: lock ? " FOR UPDATE" : "")
            """)
        guard rows.count == 1 else { return nil }
        let r = rows[0]
        func list(_ i: Int) -> [String] { (r.optionalString(i) ?? "").split(separator: ",").map(String.init) }
        let plan = RolloutPlan(steps: list(0).compactMap { Int($0) }, rounds: Int(try r.int(1)), minSeconds: Int(try r.int(2)),
                               accept: list(3), paused: try r.bool(4), pausedReason: r.optionalString(5), createdAt: r.optionalString(6),
                               createdBy: r.optionalString(7), stepSince: r.optionalString(8), stepSinceRound: try r.int(9),
                               checkedRound: try r.int(10))
        return (plan, try r.double(11))
    }

    /// The rounds the plan has not checked yet (oldest first) and the newest rounds of the
    /// current step (newest first, as many as the step needs).
    static func evidence(_ conn: PostgresConnection, plan: RolloutPlan) throws -> (unchecked: [RoundEvidence], counted: [RoundEvidence]) {
        let unchecked = try conn.query("""
            SELECT \(fragment: RoundEvidence.columns) FROM bridge.comparison_rounds
             WHERE id > \(max(plan.checkedRound, plan.stepSinceRound)) ORDER BY id
            """).map(RoundEvidence.init)
        let counted = try conn.query("""
            SELECT \(fragment: RoundEvidence.columns) FROM bridge.comparison_rounds
             WHERE id > \(plan.stepSinceRound) ORDER BY id DESC LIMIT \(plan.rounds)
            """).map(RoundEvidence.init)
        return (unchecked, counted)
    }
}

/// What the plan did after a round.
package enum PlanOutcome: Sendable, Equatable {
    case noPlan
    /// Nothing moved; what the plan waits for.
    case waiting(String)
    /// At cutover: only a rollback can come.
    case complete
    case moved(from: RolloutPosition, to: RolloutPosition, historyId: Int64, reason: String)
}

/// The plan in `rollout status`: its settings, the step, the rounds counted toward the next
/// one, and the next automatic action.
package struct PlanStatus: Sendable, Hashable, Codable {
    package var plan: RolloutPlan
    package var position: RolloutPosition
    /// The step the plan moves to next (nil once at cutover).
    package var next: RolloutPosition?
    /// The newest rounds of the current step (up to the number it needs), oldest first.
    package var countedRounds: [Int64]
    package var secondsInStep: Int
    package var nextAction: String
}

extension PlanDecision: CustomStringConvertible {
    var description: String {
        switch self {
        case .wait(let reason): reason
        case .complete: "none: the plan is complete (cutover); a mismatch the stream path may be wrong about still rolls back"
        case let .advance(next, _, reason): "advance to \(next) when `bridge run --shadow` finishes its next round: \(reason)"
        case let .rollback(_, reason): "roll back to shadow when `bridge run --shadow` finishes its next round: \(reason)"
        }
    }
}
