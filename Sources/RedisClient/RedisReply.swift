import ServiceSupport

/// A Redis reply copied out of hiredis' memory into Swift values (bulk strings are binary).
public enum RedisReply: Sendable, Hashable {
    case status(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case null
    case array([RedisReply])

    public var string: String? {
        switch self {
        case .bulk(let b): String(decoding: b, as: UTF8.self)
        case .status(let s): s
        case .integer(let i): String(i)
        default: nil
        }
    }

    public var int: Int64? {
        switch self {
        case .integer(let i): i
        case .bulk(let b): Int64(String(decoding: b, as: UTF8.self))
        default: nil
        }
    }

    public var array: [RedisReply]? {
        if case .array(let a) = self { a } else { nil }
    }

    /// Throws the server's error reply as a `RedisServerError`; returns other replies unchanged.
    @discardableResult
    public func check() throws -> RedisReply {
        if case .error(let message) = self { throw RedisServerError(message: message) }
        return self
    }
}

/// The server answered with an error reply (`-ERR ...`, `-NOSCRIPT ...`). The connection is fine.
public struct RedisServerError: ServiceError {
    public var message: String
    public var code: String { String(message.prefix { $0 != " " }) }
    public var description: String { "redis error: \(message)" }

    public init(message: String) { self.message = message }

    /// The server's state, not the request, is the problem, and it passes: loading its data
    /// after a restart (LOADING), busy with a long script (BUSY), a cluster reconfiguring
    /// (CLUSTERDOWN; TRYAGAIN while a slot's keys migrate; MASTERDOWN; MOVED and ASK still
    /// arriving after the client followed them), or talking to a node that a failover just
    /// demoted (READONLY).
    public var isTransient: Bool { Self.transientCodes.contains(code) }

    static let transientCodes: Set<String> = ["LOADING", "BUSY", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "MOVED", "ASK", "READONLY"]
}

/// The connection failed (I/O error, timeout, protocol error). hiredis' context is dead after
/// this; the connection reconnects before its next command. Always transient: the server
/// restarting, failing over or briefly unreachable looks like this.
public struct RedisConnectionError: ServiceError {
    public var address: String
    public var detail: String
    public var description: String { "redis at \(address): connection failed: \(detail)" }
    public var isTransient: Bool { true }
}
