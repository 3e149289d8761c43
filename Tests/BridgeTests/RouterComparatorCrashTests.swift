import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient
import PostgresClient
import Rollout
import Testing

/// kill -9 of the two components that CrashRecoveryTests does not cover: the serving router
/// (`bridge run --router`) and the shadow comparator (`bridge run --shadow`, `bridge compare`).
/// The paths keep running (and publishing) in their own process while the router or the
/// comparator is killed at random moments, around rollout phase changes too.
@Suite(.serialized, .sharedMachine) struct RouterComparatorCrashTests {
    /// Router killed three times, each time around a forced phase change (canary, cutover,
    /// rollback), while both paths publish; a last change is made while it is down. After a
    /// clean restart every key's last serving record is the row of the path the final phase
    /// makes authoritative for it, with that path's header.
    @Test func routerKilledRepeatedlyAroundPhaseChangesConverges() async throws {
        try await withTestEnvironment { env in
            var rng = SystemRandomNumberGenerator()
            // 2,000 contacts: a re-publishing walk after a phase change takes long enough to be
            // interrupted by some of the kills.
            try await env.bridge.run(["generate", "--contacts", "2000", "--events", "8000", "--seed", "51"])
            let (paths, _, pathsErr) = try env.bridge.start(["run", "--legacy", "--stream", "--no-http"])
            defer { if paths.isRunning { kill(paths.processIdentifier, SIGKILL) } }
            // More input arrives while the router crashes: both paths keep publishing throughout.
            let (more, _, _) = try env.bridge.start(["generate", "--contacts", "2000", "--events", "6000", "--seed", "52", "--rate", "250"])
            defer { if more.isRunning { kill(more.processIdentifier, SIGKILL) } }

            let changes: [[String]] = [
                ["rollout", "set", "canary", "--percent", "30", "--force", "--reason", "crash test"],
                ["rollout", "set", "cutover", "--force", "--reason", "crash test"],
                ["rollout", "rollback", "--reason", "crash test"],
            ]
            for (round, change) in changes.enumerated() {
                let (router, _, routerErr) = try env.bridge.start(["run", "--router", "--no-http"])
                // Joining the group takes about one session timeout; change the phase at a random
                // moment before or after that, then kill at a random moment after the change
                // (often in the middle of the re-publishing walk it starts).
                try await Task.sleep(for: .milliseconds(Int.random(in: 1500...6000, using: &rng)))
                try await env.bridge.run(change)
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...2500, using: &rng)))
                #expect(router.isRunning, "round \(round): the router ended before the kill: \(tail(routerErr))")
                kill(router.processIdentifier, SIGKILL)
                router.waitUntilExit()
            }
            // A change while no router runs: the restarted router must catch up on it.
            try await env.bridge.run(["rollout", "set", "canary", "--percent", "60", "--force", "--reason", "crash test final"])
            let final = RolloutPosition.canary(60)

            // Let the input and both paths finish, then stop them cleanly.
            more.waitUntilExit()
            #expect(more.terminationStatus == 0)
            let fold = try await env.referenceFold()
            let expected = Dictionary(uniqueKeysWithValues: fold.contactSummaryRows.map { ($0.contactId, $0.json) })
            try await awaitStores(env, equal: fold.contactSummaryRows.map(\.json))
            #expect(paths.isRunning, "paths process still up: \(tail(pathsErr))")
            kill(paths.processIdentifier, SIGTERM)
            paths.waitUntilExit()
            #expect(paths.terminationStatus == 0, "paths stop cleanly: \(tail(pathsErr))")

            // The clean restart: alone, it exits once it has caught up and drained both topics.
            try await env.bridge.run(["run", "--router", "--exit-when-idle"])
            let streamKeys = expected.keys.filter { final.owner(of: $0) == .stream }.count
            #expect(streamKeys > 600 && streamKeys < 1_800, "both paths own a real share of the keys: \(streamKeys)")
            let problems = try await servingProblems(env, position: final, expected: expected)
            #expect(problems.isEmpty, "\(problems.count) keys wrong on the serving topic, e.g. \(problems.prefix(5))")
        }
    }

    /// The comparator killed mid-round, repeatedly, as `bridge run --shadow` and as `bridge
    /// compare`, while the paths work: no half-stored round is ever visible, a clean round
    /// afterwards is consistent and clean, and the rollout gate still opens and closes on the
    /// rounds.
    @Test func comparatorKilledMidRoundLeavesNoHalfRoundAndTheGateWorks() async throws {
        try await withTestEnvironment { env in
            var rng = SystemRandomNumberGenerator()
            try await env.bridge.run(["generate", "--contacts", "2000", "--events", "12000", "--seed", "61"])
            let (paths, _, pathsErr) = try env.bridge.start(["run", "--legacy", "--stream", "--no-http"])
            defer { if paths.isRunning { kill(paths.processIdentifier, SIGKILL) } }
            let (more, _, _) = try env.bridge.start(["generate", "--contacts", "2000", "--events", "4000", "--seed", "62", "--rate", "300"])
            defer { if more.isRunning { kill(more.processIdentifier, SIGKILL) } }

            // `bridge run --shadow` with a round every second, killed at random moments.
            var kills = 0
            for _ in 0..<3 {
                let (shadow, _, shadowErr) = try env.bridge.start(["run", "--shadow", "--shadow-interval", "1", "--no-http"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1200...4500, using: &rng)))
                #expect(shadow.isRunning, "the comparator ended before the kill: \(tail(shadowErr))")
                kill(shadow.processIdentifier, SIGKILL)
                shadow.waitUntilExit()
                kills += 1
            }
            // `bridge compare`, killed after a random short time (a round here takes a fraction of
            // a second, so some kills land before, some during, some after the store).
            for _ in 0..<6 {
                let (compare, _, _) = try env.bridge.start(["compare"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...900, using: &rng)))
                if compare.isRunning { kill(compare.processIdentifier, SIGKILL); kills += 1 }
                compare.waitUntilExit()
            }
            #expect(kills >= 3)

            more.waitUntilExit()
            let fold = try await env.referenceFold()
            try await awaitStores(env, equal: fold.contactSummaryRows.map(\.json))

            let postgres = try await PostgresClient(url: env.configuration.postgresURL)
            defer { postgres.close() }
            let before = try await roundProblems(postgres)
            #expect(before.rounds > 0, "some rounds were stored before the kills")
            #expect(before.problems.isEmpty, "half-stored rounds: \(before.problems.prefix(5))")
            print("comparator crashes: \(kills) kills, \(before.rounds) rounds stored, every one complete")

            // A clean round now: consistent, compares every contact, no discrepancy.
            let clean = try await env.bridge.runAllowingFailure(["compare", "--format", "json"])
            #expect(clean.status == 0, "clean round: \(clean.stderr.suffix(500)) \(clean.stdout.prefix(500))")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: Any])
            #expect(report["consistent"] as? Bool == true)
            #expect((report["discrepancies"] as? [Any])?.isEmpty == true)
            #expect((report["compared"] as? [String: Any])?["contact_summary"] as? Int == fold.contactSummaryRows.count)

            // The gate: opens after three clean rounds...
            try await env.bridge.run(["compare"])
            try await env.bridge.run(["compare"])
            let advance = try await env.bridge.runAllowingFailure(["rollout", "advance", "--percent", "20", "--reason", "after crashes"])
            #expect(advance.status == 0, "gate open after 3 clean rounds: \(advance.stderr)")
            // ...and closes on a round with a discrepancy, even with killed rounds before it.
            let victim = try #require(fold.contactSummaryRows.first { $0.messagesSent > 0 }?.contactId)
            try await postgres.query("UPDATE legacy.contact_summary SET messages_sent = messages_sent + 7 WHERE contact_id = \(victim)")
            let dirty = try await env.bridge.runAllowingFailure(["compare"])
            #expect(dirty.status == 1, "the injected discrepancy is found")
            let refused = try await env.bridge.runAllowingFailure(["rollout", "advance", "--reason", "must be refused"])
            #expect(refused.status == 1 && refused.stderr.contains("gate is closed"), "gate closed: \(refused.stderr)")
            let status = try await env.bridge.run(["rollout", "status", "--json"])
            #expect(status.contains("canary") && status.contains("20"), "still at canary 20: \(status.prefix(300))")

            let after = try await roundProblems(postgres)
            #expect(after.problems.isEmpty, "\(after.problems.prefix(5))")
            kill(paths.processIdentifier, SIGTERM)
            paths.waitUntilExit()
            #expect(paths.terminationStatus == 0, "\(tail(pathsErr))")
        }
    }

    // MARK: - Helpers

    /// Every stored round with a complete summary: all columns set, the report carrying the
    /// round's id and its discrepancy count, and at most that many distinct sample keys.
    func roundProblems(_ postgres: PostgresClient) async throws -> (rounds: Int, problems: [String]) {
        let rows = try await postgres.query("""
            SELECT r.id,
                   (r.started_at IS NULL OR r.finished_at IS NULL OR r.consistent IS NULL OR r.compared_contacts IS NULL
                    OR r.compared_campus_days IS NULL OR r.discrepancies IS NULL OR r.mismatch_rate IS NULL
                    OR r.legacy_lag IS NULL OR r.stream_lag IS NULL OR r.duration_ms IS NULL OR r.report IS NULL),
                   coalesce((r.report->>'round_id')::bigint = r.id, false),
                   coalesce((r.report->>'discrepancy_count')::bigint = r.discrepancies, false),
                   (SELECT count(DISTINCT (d.table_name, d.key)) FROM bridge.comparison_discrepancies d WHERE d.round_id = r.id),
                   coalesce(r.discrepancies, -1)
              FROM bridge.comparison_rounds r ORDER BY r.id
            """)
        var problems: [String] = []
        for r in rows.map({ $0 }) {
            let id = try r.int(0)
            if try r.bool(1) { problems.append("round \(id): a summary column is null") }
            if try !r.bool(2) { problems.append("round \(id): report does not carry its id") }
            if try !r.bool(3) { problems.append("round \(id): report's discrepancy_count differs from the column") }
            if try r.int(4) > r.int(5) { problems.append("round \(id): more sample keys than discrepancies") }
        }
        return (rows.count, problems)
    }
}

/// Waits (bounded: a guard against hanging, not a timing check) until both stores'
/// contact_summary equal `expected`.
func awaitStores(_ env: TestEnvironment, equal expected: [String], within: Duration = .seconds(180)) async throws {
    var last: [String: [String]] = [:]
    let deadline = ContinuousClock.now + within
    while ContinuousClock.now < deadline {
        for source in ["legacy", "stream"] {
            last[source] = try await env.bridge.run(["export", "--source", source, "--table", "contact_summary"])
                .split(separator: "\n").map(String.init)
        }
        if last["legacy"] == expected && last["stream"] == expected { return }
        try await Task.sleep(for: .seconds(2))
    }
    for source in ["legacy", "stream"] {
        #expect(last[source] == expected, "\(source) store: first difference: \(firstDifference(last[source] ?? [], expected))")
    }
}

/// The keys whose last record on the serving topic is not `expected[key]` from the path that
/// `position` makes authoritative (by the `bridge-path` header).
func servingProblems(_ env: TestEnvironment, position: RolloutPosition, expected: [String: String]) async throws -> [String] {
    let read = try await TopicReader.readAll([env.configuration.topics.contactSummaryServing], configuration: env.configuration)
    var last: [String: KafkaRecord] = [:]
    for (_, records) in read { for r in records { if let key = r.key { last[String(decoding: key, as: UTF8.self)] = r } } }
    var problems: [String] = []
    for (key, row) in expected.sorted(by: { $0.key < $1.key }) {
        let owner = position.owner(of: key)
        guard let record = last[key] else { problems.append("\(key): missing"); continue }
        let path = ServingPath(headers: record.headers)
        if path != owner { problems.append("\(key): from \(path?.rawValue ?? "nil"), expected \(owner.rawValue)") }
        let value = try record.value.map { try ContactSummaryRow(json: $0).json }
        if value != row { problems.append("\(key): value differs from the final row") }
    }
    return problems
}

func tail(_ file: URL, _ n: Int = 800) -> String {
    String(String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self).suffix(n))
}
