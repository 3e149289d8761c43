import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient
import Testing

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

    /// Expects the stream store (read through `bridge export`, so through the client that
    /// `bridge` uses: one Redis or a cluster) and the last rows the stream path published to
    /// equal the contract's fold of the input topics. Returns the exported contact rows.
    @discardableResult
    func expectStreamMatchesFold(exportingWith bridge: BridgeProcess) async throws -> [String] {
        let fold = try await referenceFold()
        let expectedContacts = fold.contactSummaryRows.map(\.json)
        let expectedDays = fold.campusDailyRows.map(\.json)
        let contacts = try await bridge.run(["export", "--source", "stream", "--table", "contact_summary"]).split(separator: "\n").map(String.init)
        let days = try await bridge.run(["export", "--source", "stream", "--table", "campus_daily"]).split(separator: "\n").map(String.init)
        #expect(contacts == expectedContacts, "first difference: \(firstDifference(contacts, expectedContacts))")
        #expect(days == expectedDays, "first difference: \(firstDifference(days, expectedDays))")
        let published = try await lastPublished(configuration.topics.contactSummaryStream)
        #expect(published == Dictionary(uniqueKeysWithValues: fold.contactSummaryRows.map { ($0.contactId, $0.json) }))
        let publishedDays = try await lastPublished(configuration.topics.campusDailyStream)
        #expect(publishedDays == Dictionary(uniqueKeysWithValues: fold.campusDailyRows.map { ($0.key.kafkaKey, $0.json) }))
        return contacts
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
