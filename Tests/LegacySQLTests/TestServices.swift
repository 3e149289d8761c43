import BridgeSupport
import Foundation
import KafkaClient
import PostgresClient

/// One test's private slice of the running services: a fresh PostgreSQL database with the
/// migrations applied and a unique topic prefix with the topics created, so tests can run in
/// parallel and leave nothing behind that another test could see.
struct TestServices {
    static let adminURL = "postgres://bridge:bridge@127.0.0.1:15432/bridge"

    let configuration: BridgeConfiguration
    let databaseName: String

    /// The package root: this file is Tests/LegacySQLTests/TestServices.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func make() async throws -> TestServices {
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let databaseName = "t_\(tag)"
        let admin = try await PostgresClient(url: adminURL)
        try await admin.query("CREATE DATABASE \(databaseName)")
        admin.close()

        var configuration = BridgeConfiguration.defaults
        configuration.postgresURL = "postgres://bridge:bridge@127.0.0.1:15432/\(databaseName)"
        configuration.topicPrefix = "t\(tag)."
        // The broker admits a new group member after about one session timeout.
        configuration.tuning.sessionTimeoutMillis = 6000

        let client = try await PostgresClient(url: configuration.postgresURL)
        let scripts = try migrationScripts()
        try await client.withConnection { conn in
            for script in scripts {
                try conn.transaction { try $0.executeScript(script) }
            }
        }
        client.close()

        let kafkaAdmin = try KafkaAdmin(configuration: configuration.kafka)
        try await kafkaAdmin.createTopics(configuration.topics.all, partitions: 4)
        return TestServices(configuration: configuration, databaseName: databaseName)
    }

    /// migrations/00*.sql in file-name order.
    static func migrationScripts() throws -> [String] {
        let directory = packageRoot.appendingPathComponent("migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("00") && $0.hasSuffix(".sql") }
            .sorted()
        return try names.map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
    }

    func postgres() async throws -> PostgresClient {
        try await PostgresClient(url: configuration.postgresURL)
    }

    /// Best effort: a database left behind by a failed test only costs disk space.
    func dropDatabase() async {
        guard let admin = try? await PostgresClient(url: Self.adminURL) else { return }
        _ = try? await admin.query("DROP DATABASE IF EXISTS \(databaseName) WITH (FORCE)")
        admin.close()
    }
}
