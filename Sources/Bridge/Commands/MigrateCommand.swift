import ArgumentParser
import BridgeSupport
import Foundation
import PostgresClient
import SchemaMigrations

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply migrations/ to PostgreSQL (versioned, each in a transaction, idempotent).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Folder of NNNN_name.sql files (default: BRIDGE_MIGRATIONS_DIR, ./migrations, or the source tree's).")
    var dir: String?

    func run() async throws {
        let config = try connection.configuration()
        let directory = dir.map { URL(fileURLWithPath: $0) } ?? Migrator.defaultDirectory()
        let migrator = try Migrator(directory: directory)
        let client = try await PostgresClient(url: config.postgresURL)
        defer { client.close() }
        let applied = try await migrator.apply(using: client)
        if applied.isEmpty {
            print("migrations: up to date (\(migrator.migrations.count) applied)")
        } else {
            for version in applied {
                let name = migrator.migrations.first { $0.version == version }?.name ?? ""
                print("applied \(version) \(name)")
            }
        }
    }
}
