import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient
import PostgresClient

/// One test's private slice of the running services: a fresh PostgreSQL database with the
/// migrations applied and a unique topic prefix with the topics created, so tests can run in
/// parallel and leave nothing behind that another test could see.
struct TestServices {
    let configuration: BridgeConfiguration
    let database: TestDatabase

    static func make() async throws -> TestServices {
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let database = try await TestDatabase.create(tag: String(tag), migrated: true)

        var configuration = BridgeConfiguration.defaults
        configuration.postgresURL = database.url
        configuration.topicPrefix = "t\(tag)."
        // The broker admits a new group member after about one session timeout.
        configuration.tuning.sessionTimeoutMillis = 6000

        let kafkaAdmin = try KafkaAdmin(configuration: configuration.kafka)
        try await kafkaAdmin.createTopics(configuration.topics.all, partitions: 4)
        return TestServices(configuration: configuration, database: database)
    }

    func postgres() async throws -> PostgresClient {
        try await PostgresClient(url: configuration.postgresURL)
    }

    func dropDatabase() async { await database.drop() }
}
