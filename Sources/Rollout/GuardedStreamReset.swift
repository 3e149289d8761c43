import PostgresClient
import RedisClient
import ServiceSupport
import StreamAgg

/// `bridge stream reset`: removes the stream store (`StreamReset`) only while the rollout is in
/// shadow, and holds the rollout's state row locked while it does, so that no change (an
/// operator's or the plan's) gives the stream path keys in the middle of it. In the same
/// transaction it pauses an active plan (its rounds so far were about the old store, and while
/// the store rebuilds they find the stream path behind) and records the reset in the history.
///
/// If the removal fails half-way, the transaction records nothing and running the command again
/// removes the rest.
package struct GuardedStreamReset: Sendable {
    package let postgres: PostgresClient
    package let redis: RedisClient
    package let prefix: String

    package init(postgres: PostgresClient, redis: RedisClient, prefix: String) {
        self.postgres = postgres
        self.redis = redis
        self.prefix = prefix
    }

    package struct Outcome: Sendable {
        package var removedKeys: Int
        /// The plan was active and is now paused.
        package var pausedPlan: Bool
        package var historyId: Int64
    }

    package func run(operator: String, reason: String?) async throws -> Outcome {
        let (redis, prefix) = (self.redis, self.prefix)
        return try await postgres.withConnection { conn in
            try conn.transaction { conn in
                let position = try RolloutStore.state(conn, lock: true).position
                guard position.phase == .shadow else {
                    throw RolloutStore.Refused(action: .streamReset, reason: "the rollout is in \(position), so the stream path serves traffic; "
                                         + "roll back to shadow first (bridge rollout rollback)")
                }
                // This transaction runs on the PostgreSQL client's own thread, which may wait.
                let removed = try waitBlocking { try await StreamReset.run(redis: redis, prefix: prefix) }
                let paused = try PlanStore.pauseIfActive(conn, reason: "paused by the stream reset of \(`operator`): "
                                                         + "resume (bridge rollout resume) once the rebuilt store compares clean")
                try PlanStore.restartStep(conn)
                let id = try RolloutStore.record(conn, .streamReset, at: position, operator: `operator`,
                                                 reason: "removed \(removed) keys of the stream store under prefix \"\(prefix)\"; "
                                                     + "the stream path rebuilds from offset 0" + (reason.map { " — \($0)" } ?? ""))
                return Outcome(removedKeys: removed, pausedPlan: paused, historyId: id)
            }
        }
    }
}
