import ServiceSupport

/// A Lua script identified by its SHA-1, as EVALSHA needs it.
public struct RedisScript: Sendable {
    public let source: String
    public let sha1: String

    public init(source: String) {
        self.source = source
        self.sha1 = SHA1.hex(Array(source.utf8))
    }
}
