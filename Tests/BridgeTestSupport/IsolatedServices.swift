import BridgeSupport
import Foundation
import KafkaClient
import LegacySQL
import Logging
import RedisClient
import StreamAgg
import Workload

/// One test's private slice of the shared services: a unique prefix for topics, consumer groups
/// and Redis keys (topics created, 4 partitions), optionally its own migrated database, and the
/// short session timeout the embedded broker needs to admit a group member quickly.
package struct IsolatedServices: Sendable {
    package let configuration: BridgeConfiguration
    package let database: TestDatabase?

    package static func make(database withDatabase: Bool = true,
                            adjust: (inout BridgeConfiguration) -> Void = { _ in }) async throws -> IsolatedServices {
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        var configuration = try BridgeConfiguration.fromEnvironment()
        configuration.topicPrefix = "t\(tag)."
        configuration.tuning.sessionTimeoutMillis = 6000
        configuration.partitions = 4
        var database: TestDatabase?
        if withDatabase {
            database = try await TestDatabase.create(tag: String(tag), migrated: true)
            configuration.postgresURL = database!.url
        }
        adjust(&configuration)
        try await KafkaAdmin(configuration: configuration.kafka).createTopics(configuration.topics.all, partitions: configuration.partitions)
        return IsolatedServices(configuration: configuration, database: database)
    }

    package var prefix: String { configuration.topicPrefix }

    /// Produces a generated workload to the input topics.
    package func produce(_ generator: WorkloadGenerator) async throws {
        let producer = try KafkaProducer(configuration: configuration.kafka)
        try await WorkloadProducer(producer: producer, topics: configuration.topics).produce(generator)
        await producer.close()
    }

    /// Runs the named paths concurrently until each has consumed every input partition to its end.
    package func runPaths(legacy: Bool = true, stream: Bool = true, logger: Logger) async throws {
        let configuration = self.configuration
        try await withThrowingTaskGroup(of: Void.self) { group in
            if legacy {
                group.addTask { try await LegacyPath.makeService(configuration: configuration, exitWhenIdle: true, logger: logger).run() }
            }
            if stream {
                group.addTask { try await StreamEngine(configuration: configuration, exitWhenIdle: true, logger: logger).run() }
            }
            try await group.waitForAll()
        }
    }

    /// Best effort: the slice's Redis keys and database (topics stay: the embedded broker forgets them).
    package func tearDown(redis: RedisClient? = nil) async {
        _ = try? await redis?.deleteKeys(matching: prefix + "*")
        await database?.drop()
    }
}

/// Runs `body` on a fresh slice of the services (see `IsolatedServices.make`) and tears the
/// slice down afterwards, also when `body` throws.
@discardableResult
package func withIsolatedServices<Result>(database: Bool = true, adjust: (inout BridgeConfiguration) -> Void = { _ in },
                                         _ body: (IsolatedServices) async throws -> Result) async throws -> Result {
    try await withCleanUp(try await IsolatedServices.make(database: database, adjust: adjust), cleanUp: { await $0.tearDown() }, body)
}
