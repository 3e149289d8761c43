import BridgeModel
import BridgeSupport
import Foundation
import Testing

/// The heart of the product: after real kill -9s at random moments, every aggregate on both
/// paths, and the last value published per key, equals what one clean run gives.
@Suite(.serialized, .sharedMachine) struct CrashRecoveryTests {
    @Test func bothPathsAreExactAfterRepeatedKillNine() async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "400", "--events", "20000", "--seed", "11", "--invalid-share", "0.02"])

            var rng = SystemRandomNumberGenerator()
            for round in 0..<3 {
                let (process, _, err) = try env.bridge.start(["run", "--exit-when-idle"])
                // Joining the group takes about one session timeout; kill somewhere during processing.
                try await Task.sleep(for: .milliseconds(Int.random(in: 3000...7000, using: &rng)))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                } else {
                    Issue.record("round \(round): bridge ended before the kill: \(String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self).suffix(500))")
                }
            }
            // Generate more input between crashes, then a clean final run to idle.
            try await env.bridge.run(["generate", "--contacts", "400", "--events", "3000", "--seed", "12"])
            try await env.bridge.run(["run", "--exit-when-idle"])

            let fold = try await env.referenceFold()
            let expectedContacts = fold.contactSummaryRows.map(\.json)
            let expectedDays = fold.campusDailyRows.map(\.json)
            #expect(expectedContacts.count > 300)
            for source in ["legacy", "stream"] {
                let contacts = try await env.bridge.run(["export", "--source", source, "--table", "contact_summary"]).split(separator: "\n").map(String.init)
                let days = try await env.bridge.run(["export", "--source", source, "--table", "campus_daily"]).split(separator: "\n").map(String.init)
                #expect(contacts.count == expectedContacts.count, "\(source): contact_summary rows")
                #expect(contacts == expectedContacts, "\(source): contact_summary equals the contract's fold; first difference: \(firstDifference(contacts, expectedContacts))")
                #expect(days == expectedDays, "\(source): campus_daily equals the contract's fold; first difference: \(firstDifference(days, expectedDays))")
            }
            // What was last published per key is the final row, on both paths' topics.
            let expectedByKey = Dictionary(uniqueKeysWithValues: fold.contactSummaryRows.map { ($0.contactId, $0.json) })
            for topic in [env.configuration.topics.contactSummaryStream, env.configuration.topics.contactSummaryLegacy] {
                let published = try await env.lastPublished(topic)
                let normalized = try published.mapValues { try ContactSummaryRow(json: Array($0.utf8)).json }
                #expect(normalized == expectedByKey, "\(topic): last value per key")
            }
            let days = try await env.lastPublished(env.configuration.topics.campusDailyStream)
            #expect(days == Dictionary(uniqueKeysWithValues: fold.campusDailyRows.map { ($0.key.kafkaKey, $0.json) }))
        }
    }

    @Test func unreachableServicesGiveOneLineNamingThem() async throws {
        let bridge = BridgeProcess(environment: ["BRIDGE_POSTGRES_URL": "postgres://bridge:hunter2@127.0.0.1:15999/bridge",
                                                 "BRIDGE_REDIS_URL": "redis://127.0.0.1:16999/0",
                                                 "BRIDGE_KAFKA_BROKERS": "127.0.0.1:19999"])
        let migrate = try await bridge.runAllowingFailure(["migrate"])
        #expect(migrate.status != 0)
        #expect(migrate.stderr.contains("postgresql at 127.0.0.1:15999 is unreachable"))
        #expect(!migrate.stderr.contains("hunter2"))
        let doctor = try await bridge.runAllowingFailure(["doctor"])
        #expect(doctor.status != 0)
        let lines = doctor.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.contains { $0.contains("FAIL redis") && $0.contains("127.0.0.1:16999") })
        #expect(lines.contains { $0.contains("FAIL kafka") && $0.contains("127.0.0.1:19999") })
    }
}

func firstDifference(_ a: [String], _ b: [String]) -> String {
    for (x, y) in zip(a, b) where x != y { return "\n  got      \(x)\n  expected \(y)" }
    return a.count == b.count ? "none" : "row counts \(a.count) vs \(b.count)"
}
