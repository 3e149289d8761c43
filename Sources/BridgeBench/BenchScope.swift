import BridgeSupport
import Foundation
import KafkaClient
import PostgresClient
import RedisClient
import SchemaMigrations

/// Everything one benchmark run creates on the shared services: topics, consumer groups and
/// Redis keys under one root prefix, and private databases. `cleanUp` removes all of it and
/// is called on success and on failure alike.
final class BenchScope: @unchecked Sendable {
    let base: BridgeConfiguration
    /// Prepended to every prefix of this run (after the configured prefix, usually empty).
    let root: String
    private let lock = NSLock()
    private var databases: [String] = []

    init(base: BridgeConfiguration) {
        self.base = base
        root = "\(base.topicPrefix)bench-paths-\(UInt32.random(in: 0...UInt32.max))."
    }

    /// A configuration of its own: topics, groups and keys under `<root><name>.`, and the
    /// given database (default: the configured one).
    func configuration(_ name: String, database: String? = nil) -> BridgeConfiguration {
        var config = base
        config.topicPrefix = "\(root)\(name)."
        if let database { config.postgresURL = url(of: database) }
        return config
    }

    /// The environment that makes a `bridge` child use `configuration`.
    func environment(for configuration: BridgeConfiguration) -> [String: String] {
        ["BRIDGE_TOPIC_PREFIX": configuration.topicPrefix, "BRIDGE_POSTGRES_URL": configuration.postgresURL,
         "BRIDGE_KAFKA_BROKERS": configuration.kafkaBrokers, "BRIDGE_REDIS_URL": configuration.redisURL,
         "BRIDGE_LOG_LEVEL": ProcessInfo.processInfo.environment["BRIDGE_LOG_LEVEL"] ?? "warning"]
    }

    /// Creates an empty database with the legacy and bridge schemas migrated.
    func makeDatabase(_ name: String) async throws -> String {
        let database = "bridge_\(root.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_"))\(name)"
        let admin = try await PostgresClient(url: base.postgresURL)
        defer { admin.close() }
        try await admin.query("CREATE DATABASE \(identifier: PostgresIdentifier(database))")
        lock.withLock { databases.append(database) }
        let client = try await PostgresClient(url: url(of: database))
        defer { client.close() }
        _ = try await Migrator(directory: Migrator.defaultDirectory()).apply(using: client)
        return database
    }

    func url(of database: String) -> String {
        let base = self.base.postgresURL
        return "\(base[..<(base.lastIndex(of: "/") ?? base.endIndex)])/\(database)"
    }

    /// Best effort, each step on its own: a failure here must not hide the benchmark's error.
    func cleanUp() async {
        if let admin = try? KafkaAdmin(configuration: base.kafka),
           let topics = try? await admin.metadata().topics.keys.filter({ $0.hasPrefix(root) }) {
            do { try await admin.deleteTopics(Array(topics)) } catch {
                FileHandle.standardError.write(Data("bench: could not delete topics \(root)*: \(error)\n".utf8))
            }
        }
        if let redis = try? await RedisClient(configuration: try base.redis()) {
            _ = try? await redis.deleteKeys(matching: root + "*")
            redis.close()
        }
        if let admin = try? await PostgresClient(url: base.postgresURL) {
            for database in lock.withLock({ databases }) {
                _ = try? await admin.query("DROP DATABASE IF EXISTS \(identifier: PostgresIdentifier(database)) WITH (FORCE)")
            }
            admin.close()
        }
    }
}
