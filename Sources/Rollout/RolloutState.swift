/// The row of `bridge.rollout_state`: the current position and who put it there, when and why.
package struct RolloutState: Sendable, Hashable, Codable {
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
