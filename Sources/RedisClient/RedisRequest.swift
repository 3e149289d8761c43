/// One request of a pipeline, in a form that says which keys it touches, so that a client can
/// route it (on a Redis Cluster: to the node serving the slot of its keys) and load scripts
/// where they are missing.
///
/// Every key of one request must lie in one hash slot on a cluster (use a common hash tag,
/// `{...}`); a client refuses a request that spans slots instead of splitting it.
public enum RedisRequest: Sendable {
    /// A plain command; its keys are found from the command's name (see `RedisCommandKeys`).
    case command([[UInt8]])
    /// `EVALSHA` of `script` with `keys` and `args`; the script is loaded first where the
    /// connection has not loaded it yet.
    case script(RedisScript, keys: [[UInt8]], args: [[UInt8]])
    /// `MULTI`, the commands, `EXEC`: atomic on the server. The reply is `EXEC`'s (an array of
    /// the commands' replies, or an error when a command was refused while queued).
    case transaction([[[UInt8]]])

    public static func command(_ args: [String]) -> RedisRequest {
        .command(args.map { Array($0.utf8) })
    }
}
