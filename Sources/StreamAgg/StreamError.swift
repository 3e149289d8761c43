import RedisClient

/// Failures of the stream path that are neither a service being unreachable nor a bad record.
enum StreamError: Error, CustomStringConvertible {
    case unexpectedReply(String, RedisReply)
    case corruptState(String, String, String)

    var description: String {
        switch self {
        case .unexpectedReply(let what, let reply): "stream path: unexpected Redis reply for \(what): \(reply)"
        case .corruptState(let key, let field, let value): "stream path: Redis state of \(key) has a \(field) it cannot read (\(value))"
        }
    }
}
