import ServiceSupport

/// A Redis reply copied out of hiredis' memory into Swift values (bulk strings are binary).
package enum RedisReply: Sendable, Hashable {
    case status(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case null
    case array([RedisReply])

    package var string: String? {
        switch self {
        case .bulk(let b): String(decoding: b, as: UTF8.self)
        case .status(let s): s
        case .integer(let i): String(i)
        default: nil
        }
    }

    package var int: Int64? {
        switch self {
        case .integer(let i): i
        case .bulk(let b): Int64(String(decoding: b, as: UTF8.self))
        default: nil
        }
    }

    package var array: [RedisReply]? {
        if case .array(let a) = self { a } else { nil }
    }

    /// Throws the server's error reply as a `RedisServerError`; returns other replies unchanged.
    @discardableResult
    package func check() throws -> RedisReply {
        if case .error(let message) = self { throw RedisServerError(message: message) }
        return self
    }
}

/// The server answered with an error reply (`-ERR ...`, `-NOSCRIPT ...`). The connection is fine.
package struct RedisServerError: ServiceError {
    package var message: String
    package var code: String { String(message.prefix { $0 != " " }) }
    package var description: String { "redis error: \(message)" }

    package init(message: String) { self.message = message }

    /// The server's state, not the request, is the problem, and it passes: loading its data
    /// after a restart (LOADING), busy with a long script (BUSY), a cluster reconfiguring
    /// (CLUSTERDOWN; TRYAGAIN while a slot's keys migrate; MASTERDOWN; MOVED and ASK still
    /// arriving after the client followed them), or talking to a node that a failover just
    /// demoted (READONLY).
    package var isTransient: Bool { Self.transientCodes.contains(code) }

    static let transientCodes: Set<String> = ["LOADING", "BUSY", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "MOVED", "ASK", "READONLY"]
}

/// The connection failed (I/O error, timeout, protocol error). hiredis' context is dead after
/// this; the connection reconnects before its next command. Always transient: the server
/// restarting, failing over or briefly unreachable looks like this.
package struct RedisConnectionError: ServiceError {
    package var address: String
    package var detail: String
    package var description: String { "redis at \(address): connection failed: \(detail)" }
    package var isTransient: Bool { true }
}
