/// The row of `bridge.rollout_state`: the current position and who put it there, when and why.
public struct RolloutState: Sendable, Hashable, Codable {
    public var position: RolloutPosition
    /// RFC 3339 UTC with milliseconds, as PostgreSQL formatted it.
    public var since: String?
    public var by: String?
    public var reason: String?

    public init(position: RolloutPosition, since: String?, by: String?, reason: String?) {
        self.position = position
        self.since = since
        self.by = by
        self.reason = reason
    }
}
