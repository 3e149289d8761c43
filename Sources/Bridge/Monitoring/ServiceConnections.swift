import BridgeSupport
import KafkaClient
import PostgresClient
import RedisClient

/// The clients that the HTTP endpoints (and `bridge doctor`) reach the services with: one
/// PostgreSQL connection, one Redis connection and one librdkafka handle, each opened on first
/// use and then kept for the life of the process.
///
/// Why: opening them per request cost every scrape two PostgreSQL sessions, two Redis
/// connections and a librdkafka handle with its threads (300 scrapes opened 400 sessions).
/// The clients reconnect by themselves after a service restart (libpq's reset, hiredis'
/// reconnect on the next command, librdkafka's own), so a client that connected once is kept
/// whatever happens; one that never connected is tried again on the next request.
final class ServiceConnections: Sendable {
    let configuration: BridgeConfiguration
    private let postgres: OpenedOnce<PostgresClient>
    private let redis: OpenedOnce<RedisClient>
    private let kafka: OpenedOnce<KafkaAdmin>

    init(configuration: BridgeConfiguration) {
        self.configuration = configuration
        let config = configuration
        postgres = OpenedOnce { try await PostgresClient(url: config.postgresURL, name: "status-postgres") }
        // Short timeouts and one connection attempt per command: a probe must answer quickly,
        // and the next request tries again anyway.
        redis = OpenedOnce {
            try await RedisClient(configuration: try RedisConfiguration(url: config.redisURL, timeoutSeconds: 3, reconnectAttempts: 0),
                                  name: "status-redis")
        }
        kafka = OpenedOnce { try KafkaAdmin(configuration: config.kafka) }
    }

    func postgresClient() async throws -> PostgresClient { try await postgres.get() }
    func redisClient() async throws -> RedisClient { try await redis.get() }
    func kafkaAdmin() async throws -> KafkaAdmin { try await kafka.get() }

    /// Closes whatever was opened (a one-shot command's clients; `bridge run` keeps them).
    func close() async {
        await postgres.ifOpened { $0.close() }
        await redis.ifOpened { $0.close() }
    }
}

/// A client made on first use and shared by every later caller; concurrent first callers wait
/// for the same attempt, and a failed attempt is forgotten so that the next caller tries again.
actor OpenedOnce<Client: Sendable> {
    private let open: @Sendable () async throws -> Client
    private var attempt: Task<Client, any Error>?

    init(_ open: @escaping @Sendable () async throws -> Client) { self.open = open }

    func get() async throws -> Client {
        let current = attempt ?? Task { try await open() }
        attempt = current
        do {
            return try await current.value
        } catch {
            if attempt == current { attempt = nil }
            throw error
        }
    }

    func ifOpened(_ body: (Client) -> Void) async {
        if let attempt, let client = try? await attempt.value { body(client) }
    }
}
