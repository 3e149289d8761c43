import Foundation
import PostgresClient

/// Applies the versioned SQL files of `migrations/` in order, each in its own transaction,
/// recording each in `bridge.schema_migrations`. Idempotent: applied versions are skipped, and
/// a file that changed after it was applied is an error rather than a silent divergence.
package struct Migrator: Sendable {
    package struct Migration: Sendable {
        package var version: String
        package var name: String
        package var script: SQLScript
        package var checksum: String
    }

    package struct Changed: Error, CustomStringConvertible {
        package var version: String
        package var description: String {
            "migration \(version) was changed after it was applied; add a new migration instead of editing an applied one"
        }
    }

    package let migrations: [Migration]

    /// Reads `NNNN_name.sql` files (sub-folders such as tests/ are ignored).
    package init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") && $0.first?.isNumber == true }
            .sorted()
        migrations = try names.map { file in
            let script = try SQLScript(contentsOf: directory.appendingPathComponent(file))
            let version = String(file.prefix { $0.isNumber })
            let name = String(file.dropFirst(version.count + 1).dropLast(4))
            return Migration(version: version, name: name, script: script, checksum: Self.checksum(script.text))
        }
    }

    /// The migrations folder: BRIDGE_MIGRATIONS_DIR, else ./migrations, else the one in the
    /// source tree this binary was built from.
    package static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["BRIDGE_MIGRATIONS_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let local = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("migrations")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations")
    }

    /// Applies what is missing; returns the versions applied by this call.
    package func apply(using client: PostgresClient) async throws -> [String] {
        let migrations = self.migrations
        return try await client.withConnection { conn in
            try conn.executeScript(SQLScript("""
                CREATE SCHEMA IF NOT EXISTS bridge;
                CREATE TABLE IF NOT EXISTS bridge.schema_migrations (
                    version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now());
                """))
            // Two `bridge migrate` at once: the second waits, then finds everything applied.
            try conn.query("SELECT pg_advisory_lock(727274)")
            defer { _ = try? conn.query("SELECT pg_advisory_unlock(727274)") }
            let rows = try conn.query("SELECT version, checksum FROM bridge.schema_migrations")
            var applied: [String: String] = [:]
            for i in 0..<rows.count { applied[try rows[i].string(0)] = try rows[i].string(1) }
            var done: [String] = []
            for m in migrations {
                if let checksum = applied[m.version] {
                    if checksum != m.checksum { throw Changed(version: m.version) }
                    continue
                }
                try conn.transaction { conn in
                    try conn.executeScript(m.script)
                    try conn.query("""
                        INSERT INTO bridge.schema_migrations (version, name, checksum) VALUES (\(m.version), \(m.name), \(m.checksum))
                        """)
                }
                done.append(m.version)
            }
            return done
        }
    }

    /// FNV-1a 64 of the file's bytes: enough to notice an edited migration.
    static func checksum(_ text: String) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return String(hash, radix: 16)
    }
}
