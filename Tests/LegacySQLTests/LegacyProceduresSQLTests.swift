import BridgeTestSupport
import Foundation
import Testing

/// Runs migrations/tests/legacy_procedures_test.sql (hand-computed rows: ties on updated_at,
/// opt events tied on `at`, duplicates with different content, UTC midnight, contacts seen only
/// through events, replays, outbox only on change) with psql against a freshly migrated database.
@Suite struct LegacyProceduresSQLTests {
    @Test func storedProceduresMatchHandComputedRows() async throws {
        try await withIsolatedServices { services in
            let script = TestDatabase.packageRoot.appendingPathComponent("migrations/tests/legacy_procedures_test.sql")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", script.path, services.configuration.postgresURL]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "psql failed:\n\(text.suffix(3000))")
            #expect(text.contains("checks passed"), "the script reports its checks:\n\(text.suffix(1000))")
        }
    }
}
