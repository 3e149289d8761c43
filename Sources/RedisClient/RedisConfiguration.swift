import ServiceSupport

/// Where and how to reach Redis: `redis://[user][:password]@host:port/db`.
public struct RedisConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: Int
    public var username: String?
    public var password: String?
    /// Bounds every connect and every reply; hiredis reports an expired timeout as an I/O error.
    public var timeoutSeconds: Double
    /// Reconnection attempts before a command gives up, with doubling back-off from 50 ms.
    public var reconnectAttempts: Int

    public init(url: String, timeoutSeconds: Double = 5, reconnectAttempts: Int = 6) throws {
        let parsed = try ServiceURL(parsing: url)
        guard parsed.scheme == "redis" else {
            throw ServiceURL.Invalid(url: ServiceURL.redact(url), reason: "scheme must be redis:// (TLS is not supported by hiredis 0.14)")
        }
        host = parsed.host
        port = parsed.port ?? 6379
        let dbText = parsed.path.isEmpty ? "0" : parsed.path
        guard let db = Int(dbText), db >= 0 else {
            throw ServiceURL.Invalid(url: ServiceURL.redact(url), reason: "database \"\(dbText)\" is not a number")
        }
        database = db
        username = parsed.user
        password = parsed.password
        self.timeoutSeconds = timeoutSeconds
        self.reconnectAttempts = reconnectAttempts
    }

    public var address: String { "\(host):\(port)" }
}
