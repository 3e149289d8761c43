import ServiceSupport

/// Where and how to reach Redis: `redis://[user][:password]@host:port/db` for one server, or
/// `redis://[user][:password]@host1:port1,host2:port2,...` for seed nodes of a Redis Cluster
/// (database 0 only there). Whether the server is a cluster is the server's to say
/// (`cluster_enabled:1`), not the URL's: one seed of a cluster works too.
package struct RedisConfiguration: Sendable {
    /// Tried in order until one answers; on a cluster it tells the client about the others.
    package var seeds: [RedisEndpoint]
    package var database: Int
    package var username: String?
    package var password: String?
    /// Bounds every connect and every reply; hiredis reports an expired timeout as an I/O error.
    package var timeoutSeconds: Double
    /// Reconnection attempts before a command gives up (back-off from 50 ms to 1 s).
    package var reconnectAttempts: Int

    package init(url: String, timeoutSeconds: Double = 5, reconnectAttempts: Int = 6) throws {
        let parsed = try ServiceURL(parsing: url)
        guard parsed.scheme == "redis" else {
            throw ServiceURL.Invalid(url: ServiceURL.redact(url), reason: "scheme must be redis:// (TLS is not supported by hiredis 0.14)")
        }
        seeds = parsed.hosts.map { RedisEndpoint(host: $0.host, port: $0.port ?? 6379) }
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

    /// Every seed, `host:port,host:port`, as messages name them.
    package var address: String { seeds.map(\.description).joined(separator: ",") }
}

/// One Redis server: a seed, or a node of a cluster as the cluster names it.
package struct RedisEndpoint: Hashable, Sendable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package var description: String { ServiceURL.address(host: host, port: port) }
}
