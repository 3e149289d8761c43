import ServiceSupport

/// A Lua script identified by its SHA-1, as EVALSHA needs it.
package struct RedisScript: Sendable {
    package let source: String
    package let sha1: String

    package init(source: String) {
        self.source = source
        self.sha1 = SHA1.hex(Array(source.utf8))
    }
}
