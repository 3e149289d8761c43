/// Which arguments of a command are keys: what a cluster client routes by, and what it checks
/// for lying in one slot.
///
/// A table of the commands whose keys are not simply their first argument. Any other command
/// is taken to have its key first, which is right for the data commands (GET, HSET, SADD,
/// ...). A command misjudged here is still answered correctly, because the server checks again:
/// a node that does not own the key replies MOVED, which the client follows to the node named,
/// and keys in different slots get CROSSSLOT.
enum RedisCommandKeys {
    static func keys(of command: [[UInt8]]) -> [[UInt8]] {
        guard let name = command.first else { return [] }
        let args = command.dropFirst()
        switch positions[String(decoding: name, as: UTF8.self).uppercased()] ?? .first {
        case .none:
            return []
        case .first:
            return args.first.map { [$0] } ?? []
        case .at(let index):
            return command.indices.contains(index) ? [command[index]] : []
        case .all(let from):
            return Array(command.dropFirst(from))
        case .firstTwo:
            return Array(args.prefix(2))
        case .allButLast:
            return Array(args.dropLast())
        case .alternate:
            return stride(from: 1, to: command.count, by: 2).map { command[$0] }
        case .counted(let countAt, let leading):
            // `leading` keys (a destination) before the count, then as many keys as it says.
            guard command.indices.contains(countAt),
                  let n = Int(String(decoding: command[countAt], as: UTF8.self)), n >= 0 else { return [] }
            let counted = command.dropFirst(countAt + 1).prefix(n)
            return Array(command[1..<(1 + leading)]) + counted
        }
    }

    private enum Positions {
        /// No key: the command is about the server or the connection.
        case none
        case first
        /// One key, at this index of the command (the name is index 0), when present.
        case at(Int)
        /// Every argument from this index of the command on.
        case all(from: Int)
        case firstTwo
        /// Every argument but the last (a timeout).
        case allButLast
        /// Key, value, key, value, ...
        case alternate
        /// A key count at this index, the keys after it, and `leading` keys before it.
        case counted(at: Int, leading: Int)
    }

    private static let positions: [String: Positions] = {
        var table: [String: Positions] = [:]
        for name in ["PING", "ECHO", "INFO", "SCAN", "SCRIPT", "CLIENT", "CLUSTER", "CONFIG", "DBSIZE", "FLUSHDB",
                     "FLUSHALL", "TIME", "COMMAND", "AUTH", "SELECT", "HELLO", "READONLY", "READWRITE", "ASKING",
                     "MULTI", "EXEC", "DISCARD", "UNWATCH", "WAIT", "KEYS", "RANDOMKEY", "LASTSAVE", "SAVE", "BGSAVE",
                     "BGREWRITEAOF", "SHUTDOWN", "DEBUG", "SLOWLOG", "LATENCY", "FUNCTION", "ROLE", "REPLICAOF",
                     "SLAVEOF", "SWAPDB", "MONITOR", "PUBLISH", "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE",
                     "PUNSUBSCRIBE", "PUBSUB", "ACL", "MODULE", "QUIT", "RESET", "FAILOVER"] {
            table[name] = Positions.none
        }
        for name in ["OBJECT", "MEMORY", "XINFO"] { table[name] = .at(2) }
        for name in ["DEL", "UNLINK", "EXISTS", "TOUCH", "MGET", "WATCH", "SINTER", "SUNION", "SDIFF", "SINTERSTORE",
                     "SUNIONSTORE", "SDIFFSTORE", "PFCOUNT", "PFMERGE"] {
            table[name] = .all(from: 1)
        }
        table["BITOP"] = .all(from: 2)
        for name in ["RENAME", "RENAMENX", "RPOPLPUSH", "BRPOPLPUSH", "LMOVE", "BLMOVE", "SMOVE", "COPY",
                     "GEOSEARCHSTORE", "ZRANGESTORE"] {
            table[name] = .firstTwo
        }
        for name in ["BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX"] { table[name] = .allButLast }
        for name in ["MSET", "MSETNX"] { table[name] = .alternate }
        for name in ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO", "BLMPOP", "BZMPOP"] {
            table[name] = .counted(at: 2, leading: 0)
        }
        for name in ["ZUNION", "ZINTER", "ZDIFF", "SINTERCARD", "ZINTERCARD", "LMPOP", "ZMPOP"] {
            table[name] = .counted(at: 1, leading: 0)
        }
        for name in ["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"] { table[name] = .counted(at: 2, leading: 1) }
        return table
    }()
}
