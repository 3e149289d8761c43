import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient

/// One isolated bridge on the shared services: its own PostgreSQL database (migrated by the
/// `bridge migrate` under test), and a unique prefix for topics, consumer groups and Redis keys.
struct TestEnvironment {
    let prefix: String
    let database: TestDatabase
    let configuration: BridgeConfiguration
    let bridge: BridgeProcess

    static func make() async throws -> TestEnvironment {
        let id = UInt32.random(in: 0...UInt32.max)
        let prefix = "t\(id)."
        let database = try await TestDatabase.create(tag: "cli_\(id)", migrated: false)
        var configuration = try BridgeConfiguration.fromEnvironment()
        configuration.topicPrefix = prefix
        configuration.postgresURL = database.url
        configuration.tuning.sessionTimeoutMillis = 6000
        let bridge = BridgeProcess(environment: [
            "BRIDGE_TOPIC_PREFIX": prefix,
            "BRIDGE_POSTGRES_URL": configuration.postgresURL,
            "BRIDGE_SESSION_TIMEOUT_MS": "6000",
            "BRIDGE_BATCH_SIZE": "500",
            "BRIDGE_LOG_LEVEL": "warning",
        ])
        try await bridge.run(["migrate"])
        try await bridge.run(["topics"])
        return TestEnvironment(prefix: prefix, database: database, configuration: configuration, bridge: bridge)
    }


    /// The contract's aggregates over what the input topics hold, in partition order.
    func referenceFold() async throws -> ReferenceFold {
        try await ReferenceFold.ofInputs(configuration)
    }

    /// The last value published per key on an output topic.
    func lastPublished(_ topic: String) async throws -> [String: String] {
        var last: [String: String] = [:]
        for (key, value) in try await TopicReader.lastValues(topic, configuration: configuration) {
            last[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
        }
        return last
    }
}

/// Runs `body` on a fresh TestEnvironment and drops its database afterwards, also when `body`
/// throws (awaited, not in a detached task: see `withCleanUp`).
@discardableResult
func withTestEnvironment<Result>(_ body: (TestEnvironment) async throws -> Result) async throws -> Result {
    try await withCleanUp(try await TestEnvironment.make(), cleanUp: { await $0.database.drop() }, body)
}
