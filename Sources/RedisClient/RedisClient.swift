import ServiceSupport

/// An asynchronous Redis client, the one that callers use for a single server and for a Redis
/// Cluster alike. On a single server: one connection on a dedicated thread. On a cluster
/// (recognised from the server's `cluster_enabled:1`): a connection per node, each on its own
/// thread, with every request routed by the slot of its keys (see `RedisCluster`). Several
/// clients give parallelism (Redis itself is single-threaded; parallel connections overlap the
/// network).
package final class RedisClient: Sendable {
    package let configuration: RedisConfiguration
    private let backend: Backend

    private enum Backend: Sendable {
        case single(ThreadConfined<RedisConnection>)
        case cluster(RedisCluster)
    }

    /// Connects to the first seed that answers, and on a cluster reads its slot map. Throws
    /// `ServiceUnavailable` naming the address(es) when none answers, `RedisClusterError` when
    /// the URL asks for what the server cannot do (a database other than 0 on a cluster,
    /// several seeds of a server that is no cluster).
    package init(configuration: RedisConfiguration, name: String = "redis") async throws {
        self.configuration = configuration
        let first = try await ThreadConfined.make(name: name) { try Self.connectToFirstSeed(configuration) }
        guard try await first.run({ $0.isClusterNode }) else {
            guard configuration.seeds.count == 1 else {
                first.shutdown { $0.close() }
                throw RedisClusterError(address: configuration.address, reason: .seedsOfNoCluster)
            }
            backend = .single(first)
            return
        }
        // The seed connection only told us it is a cluster; the nodes get their own.
        first.shutdown { $0.close() }
        backend = .cluster(try await RedisCluster(configuration: configuration, name: name))
    }

    /// Whether the server is a Redis Cluster.
    package var isCluster: Bool {
        if case .cluster = backend { true } else { false }
    }

    /// On a cluster: its masters as the client sees them and the redirections it followed;
    /// nil on a single server.
    package var clusterSnapshot: RedisClusterSnapshot? {
        if case .cluster(let cluster) = backend { cluster.snapshot } else { nil }
    }

    /// Runs blocking work with the connection, on the connection's thread. A single server
    /// only: on a cluster, where keys live on several nodes, it throws `RedisClusterError`
    /// (use `execute`, which routes each request by its keys).
    package func withConnection<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) async throws -> T {
        try await singleConnection("withConnection").run { try body($0) }
    }

    /// Same, for a caller that is itself on a dedicated thread (a librdkafka callback).
    package func withConnectionBlocking<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) throws -> T {
        try singleConnection("withConnectionBlocking").runBlocking { try body($0) }
    }

    /// One command; on a cluster it goes to the node of its key (a command without keys, such
    /// as PING or CLIENT ID, to one master: see `onEveryMaster` for the others).
    package func command(_ args: [String]) async throws -> RedisReply {
        try await execute([.command(args)])[0]
    }

    /// Commands in one round trip per node; replies in command order.
    package func pipeline(_ commands: [[[UInt8]]]) async throws -> [RedisReply] {
        try await execute(commands.map(RedisRequest.command))
    }

    /// The requests in one round trip per node (see `RedisConnection.execute`); replies in
    /// request order. On a cluster every request's keys must lie in one hash slot (else
    /// `RedisClusterError.crossSlot` is thrown and nothing is sent); requests to different
    /// nodes run concurrently, those to one node in order. When a node's connection fails the
    /// call throws, and requests sent to other nodes may have run.
    package func execute(_ requests: [RedisRequest]) async throws -> [RedisReply] {
        switch backend {
        case .single(let connection): try await connection.run { try $0.execute(requests) }
        case .cluster(let cluster): try await cluster.execute(requests)
        }
    }

    /// Same, for a caller that is itself on a dedicated thread (a librdkafka callback).
    package func executeBlocking(_ requests: [RedisRequest]) throws -> [RedisReply] {
        switch backend {
        case .single(let connection): try connection.runBlocking { try $0.execute(requests) }
        case .cluster(let cluster): try cluster.executeBlocking(requests)
        }
    }

    /// A request about the server rather than a key (INFO, DBSIZE, CONFIG GET) on every master
    /// of a cluster, or on the single server; replies in the order of the nodes.
    package func onEveryMaster(_ request: RedisRequest) async throws -> [(node: RedisEndpoint, reply: RedisReply)] {
        switch backend {
        case .single(let connection):
            let reply = try await connection.run { try $0.execute([request])[0] }
            return [(configuration.seeds[0], reply)]
        case .cluster(let cluster):
            return try await cluster.onEveryMaster(request).map { (node: $0.0, reply: $0.1) }
        }
    }

    /// Walks the keys matching a glob pattern with SCAN (never one huge KEYS call that blocks
    /// the server), on every master of a cluster, handing them to `body` a page at a time.
    /// On a cluster that reshards meanwhile, keys that move during the walk may be missed.
    package func scanKeys(matching pattern: String, pageSize: Int = 10_000, _ body: ([[UInt8]]) async throws -> Void) async throws {
        switch backend {
        case .single(let connection):
            try await Self.scan(pattern, pageSize, body) { request in try await connection.run { try $0.execute([request])[0] } }
        case .cluster(let cluster):
            for master in cluster.masters {
                let node = cluster.node(master)
                try await Self.scan(pattern, pageSize, body) { request in try await node.execute([request])[0] }
            }
        }
    }

    /// Deletes every key matching a glob pattern (e.g. `prefix*`), walking the keyspace with
    /// `scanKeys`. Returns how many were deleted.
    @discardableResult
    package func deleteKeys(matching pattern: String) async throws -> Int {
        var deleted = 0
        try await scanKeys(matching: pattern) { keys in
            // One UNLINK per key: on a cluster a multi-key UNLINK must stay in one slot.
            for reply in try await execute(keys.map { .command([Array("UNLINK".utf8), $0]) }) {
                deleted += Int(try reply.check().int ?? 0)
            }
        }
        return deleted
    }

    /// Closes the connections (on their threads, after queued work) and ends the threads.
    package func close() {
        switch backend {
        case .single(let connection): connection.shutdown { $0.close() }
        case .cluster(let cluster): cluster.close()
        }
    }

    // MARK: - Helpers

    private func singleConnection(_ operation: String) throws -> ThreadConfined<RedisConnection> {
        switch backend {
        case .single(let connection): return connection
        case .cluster: throw RedisClusterError(address: configuration.address, reason: .singleNodeOnly(operation: operation))
        }
    }

    /// The seeds in order until one answers. One seed: its own error as it is. Several, none
    /// answering: one line naming each and why. A refusal (a wrong password) ends the search.
    private static func connectToFirstSeed(_ configuration: RedisConfiguration) throws -> RedisConnection {
        guard configuration.seeds.count > 1 else {
            return try RedisConnection(configuration: configuration, endpoint: configuration.seeds[0])
        }
        var failures: [String] = []
        for seed in configuration.seeds {
            do {
                return try RedisConnection(configuration: configuration, endpoint: seed)
            } catch let error as ServiceUnavailable where error.isTransient {
                failures.append("\(seed): \(error.detail)")
            }
        }
        throw ServiceUnavailable(service: "redis", address: configuration.address, detail: failures.joined(separator: "; "))
    }

    /// One SCAN walk over one server, cursor to cursor.
    private static func scan(_ pattern: String, _ pageSize: Int, _ body: ([[UInt8]]) async throws -> Void,
                             _ run: (RedisRequest) async throws -> RedisReply) async throws {
        var cursor = "0"
        repeat {
            let reply = try await run(.command(["SCAN", cursor, "MATCH", pattern, "COUNT", String(pageSize)])).check()
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let keys = parts[1].array else {
                throw RedisServerError(message: "unexpected SCAN reply \(reply)")
            }
            let names = keys.compactMap { key -> [UInt8]? in if case .bulk(let bytes) = key { bytes } else { nil } }
            if !names.isEmpty { try await body(names) }
            cursor = next
        } while cursor != "0"
    }
}
