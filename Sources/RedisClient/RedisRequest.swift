/// One request of a pipeline, in a form that says which keys it touches, so that a client can
/// route it (on a Redis Cluster: to the node serving the slot of its keys) and load scripts
/// where they are missing.
///
/// Every key of one request must lie in one hash slot on a cluster (use a common hash tag,
/// `{...}`); a client refuses a request that spans slots instead of splitting it.
package enum RedisRequest: Sendable {
    /// A plain command; its keys are found from the command's name (see `RedisCommandKeys`:
    /// the first argument, but for the commands its table lists).
    case command([[UInt8]])
    /// `EVALSHA` of `script` with `keys` and `args`; the script is loaded first where the
    /// connection has not loaded it yet.
    case script(RedisScript, keys: [[UInt8]], args: [[UInt8]])
    /// `MULTI`, the commands, `EXEC`: atomic on the server. The reply is `EXEC`'s (an array of
    /// the commands' replies, or an error when a command was refused while queued).
    case transaction([[[UInt8]]])

    package static func command(_ args: [String]) -> RedisRequest {
        .command(args.map { Array($0.utf8) })
    }
}

extension RedisRequest {
    /// Every key the request touches.
    var keys: [[UInt8]] {
        switch self {
        case .command(let args): RedisCommandKeys.keys(of: args)
        case .script(_, let keys, _): keys
        case .transaction(let queued): queued.flatMap(RedisCommandKeys.keys(of:))
        }
    }

    /// The one hash slot of its keys, nil for a request without keys; throws when the keys
    /// span slots, because splitting the request would break its atomicity.
    func slot(address: String) throws -> Int? {
        let slots = Set(keys.map { RedisHashSlot.of(key: $0) })
        guard slots.count <= 1 else {
            throw RedisClusterError(address: address, reason: .crossSlot(command: name, slots: slots.sorted()))
        }
        return slots.first
    }

    /// The command's name as errors show it (MULTI for a transaction, EVALSHA for a script).
    var name: String {
        switch self {
        case .command(let args): args.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? "(empty command)"
        case .script: "EVALSHA"
        case .transaction: "MULTI"
        }
    }
}
