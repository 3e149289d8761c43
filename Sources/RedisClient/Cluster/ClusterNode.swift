import ServiceSupport

/// One node of a cluster as the client talks to it: one connection on a dedicated thread of its
/// own, connected on first use (so that following a redirection to a node never blocks the
/// caller), loading scripts as the node lacks them.
final class ClusterNode: Sendable {
    let endpoint: RedisEndpoint
    private let confined: ThreadConfined<RedisConnection>

    init(endpoint: RedisEndpoint, configuration: RedisConfiguration, name: String) {
        self.endpoint = endpoint
        confined = ThreadConfined(name: "\(name)@\(endpoint)", RedisConnection(connectingLater: configuration, endpoint: endpoint))
    }

    func execute(_ requests: [RedisRequest]) async throws -> [RedisReply] {
        try await confined.run { try $0.execute(requests) }
    }

    /// Runs the requests on the node's thread and hands the outcome to `done`, there.
    func submit(_ requests: [RedisRequest], done: @escaping @Sendable (Result<[RedisReply], any Error>) -> Void) {
        confined.submit { connection in done(Result { try connection.execute(requests) }) }
    }

    func close() {
        confined.shutdown { $0.close() }
    }
}
