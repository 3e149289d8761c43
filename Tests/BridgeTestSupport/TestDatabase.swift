import BridgeSupport
import Foundation
import PostgresClient
import SchemaMigrations

/// A PostgreSQL database of one test's own on the shared server, so tests that touch the legacy
/// schema can run in parallel and leave nothing another test could see.
package struct TestDatabase: Sendable {
    package static let adminURL = ProcessInfo.processInfo.environment["BRIDGE_POSTGRES_URL"]
        ?? "postgres://bridge:bridge@127.0.0.1:15432/bridge"

    /// The package root (this file is Tests/BridgeTestSupport/TestDatabase.swift).
    package static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    package let name: String
    package let url: String

    /// Creates an empty database named `t_<tag>`; with `migrated`, applies migrations/ to it
    /// with the product's own Migrator.
    package static func create(tag: String, migrated: Bool) async throws -> TestDatabase {
        let name = "t_\(tag)"
        let admin = try await PostgresClient(url: adminURL)
        defer { admin.close() }
        try await admin.query("CREATE DATABASE \(identifier: PostgresIdentifier(name))")
        let base = adminURL[..<(adminURL.lastIndex(of: "/") ?? adminURL.endIndex)]
        let database = TestDatabase(name: name, url: "\(base)/\(name)")
        if migrated {
            let client = try await PostgresClient(url: database.url)
            defer { client.close() }
            _ = try await Migrator(directory: packageRoot.appendingPathComponent("migrations")).apply(using: client)
        }
        return database
    }

    /// Best effort: a database left behind by a failed test only costs disk space.
    package func drop() async {
        guard let admin = try? await PostgresClient(url: Self.adminURL) else { return }
        _ = try? await admin.query("DROP DATABASE IF EXISTS \(identifier: PostgresIdentifier(name)) WITH (FORCE)")
        admin.close()
    }
}

/// Runs `body` on a new database (see `TestDatabase.create`) and drops it afterwards, also when
/// `body` throws.
@discardableResult
package func withTestDatabase<Result>(tag: String, migrated: Bool,
                                     _ body: (TestDatabase) async throws -> Result) async throws -> Result {
    try await withCleanUp(try await TestDatabase.create(tag: tag, migrated: migrated), cleanUp: { await $0.drop() }, body)
}
