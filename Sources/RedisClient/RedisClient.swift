import ServiceSupport

/// An asynchronous Redis client: one connection on a dedicated thread. Several clients give
/// parallelism (Redis itself is single-threaded; parallel connections overlap the network).
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let confined: ThreadConfined<RedisConnection>

    /// Connects, or throws `ServiceUnavailable` naming the address.
    public init(configuration: RedisConfiguration, name: String = "redis") async throws {
        self.configuration = configuration
        confined = try await ThreadConfined.make(name: name) { try RedisConnection(configuration: configuration) }
    }

    /// Runs blocking work with the connection, on the connection's thread.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) async throws -> T {
        try await confined.run { try body($0) }
    }

    /// Same, for a caller that is itself on a dedicated thread (a librdkafka callback).
    public func withConnectionBlocking<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) throws -> T {
        try confined.runBlocking { try body($0) }
    }

    public func command(_ args: [String]) async throws -> RedisReply {
        try await withConnection { try $0.command(args) }
    }

    public func pipeline(_ commands: [[[UInt8]]]) async throws -> [RedisReply] {
        try await withConnection { try $0.pipeline(commands) }
    }

    /// The requests in one round trip (see `RedisConnection.execute`); replies in request order.
    public func execute(_ requests: [RedisRequest]) async throws -> [RedisReply] {
        try await withConnection { try $0.execute(requests) }
    }

    /// Same, for a caller that is itself on a dedicated thread (a librdkafka callback).
    public func executeBlocking(_ requests: [RedisRequest]) throws -> [RedisReply] {
        try withConnectionBlocking { try $0.execute(requests) }
    }

    /// Deletes every key matching a glob pattern (e.g. `prefix*`), walking the keyspace with
    /// SCAN so the server is never blocked by one huge KEYS call. Returns how many were deleted.
    @discardableResult
    public func deleteKeys(matching pattern: String) async throws -> Int {
        var cursor = "0"
        var deleted = 0
        repeat {
            let reply = try await command(["SCAN", cursor, "MATCH", pattern, "COUNT", "10000"]).check()
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let keys = parts[1].array else {
                throw RedisServerError(message: "unexpected SCAN reply \(reply)")
            }
            let names = keys.compactMap { key -> [UInt8]? in if case .bulk(let bytes) = key { bytes } else { nil } }
            if !names.isEmpty {
                deleted += Int(try await pipeline([[Array("UNLINK".utf8)] + names])[0].check().int ?? 0)
            }
            cursor = next
        } while cursor != "0"
        return deleted
    }

    /// Closes the connection (on its thread, after queued work) and ends the thread.
    public func close() {
        confined.shutdown { $0.close() }
    }
}
