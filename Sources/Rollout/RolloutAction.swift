/// The kinds of change the audit history records (its `action` column).
package enum RolloutAction: String, Sendable, Hashable, Codable {
    case set
    case advance
    case rollback
    /// A rollout plan created or replaced (`rollout plan --steps ...`), or removed.
    case plan
    case planClear = "plan-clear"
    /// The plan stopped or started acting (by an operator, or paused by an automatic rollback).
    case pause
    case resume
    /// The stream store was removed to be rebuilt from the log (`bridge stream reset`).
    case streamReset = "stream-reset"
}
