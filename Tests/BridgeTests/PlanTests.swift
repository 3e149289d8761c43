import BridgeModel
import BridgeTestSupport
import Foundation
import PostgresClient
import RedisClient
import Testing

/// The progressive rollout plan through the binary: `bridge run --shadow` steps it to cutover on
/// clean rounds, rolls back by itself on a stream-side corruption, holds on a legacy-side one,
/// and two shadow services never both act on the same rounds.
@Suite(.serialized, .sharedMachine) struct PlanTests {
    @Test func aPlanReachesCutoverByItselfOnCleanRounds() async throws {
        try await withPaths(contacts: 150, events: 1500, seed: 91) { env in
            try await env.bridge.run(["rollout", "plan", "--steps", "1,10,50,100", "--rounds", "2", "--min-seconds", "2", "--reason", "test"])
            try await withShadow(env) { _ in
                let reached = try await eventually(seconds: 90, every: .seconds(1)) { try await phase(env) == "cutover" }
                let status = try await env.bridge.run(["rollout", "status", "--history", "10"])
                #expect(reached, "cutover by itself: \(status)")
            }
            let status = try await rolloutStatus(env, history: 20)
            let moves = automaticMoves(status)
            #expect(moves.map(\.to) == ["canary 1", "canary 10", "canary 50", "cutover 100"], "\(moves)")
            #expect(moves.map(\.from) == ["shadow 0", "canary 1", "canary 10", "canary 50"])
            // Each step rests on 2 rounds of its own, later than the previous step's.
            for (a, b) in zip(moves, moves.dropFirst()) { #expect(b.rounds.min()! > a.rounds.max()!, "\(a.rounds) then \(b.rounds)") }
            #expect(moves.allSatisfy { $0.rounds.count == 2 && $0.operator == "bridge" && $0.reason.contains("consistent and clean") })
            // ... and on at least --min-seconds at its step (the database's clock).
            for (a, b) in zip(moves, moves.dropFirst()) { #expect(b.at.timeIntervalSince(a.at) >= 2, "\(a.at) -> \(b.at)") }
            let plan = try #require(status["plan"] as? [String: Any])
            #expect((plan["next_action"] as? String)?.hasPrefix("none: the plan is complete") == true, "\(plan)")
            #expect(plan["counted_rounds"] is [Any] && plan["seconds_in_step"] is Int)

            // The HTML report draws the rounds and the rollout on a time axis, each automatic move
            // marked (its tooltip names it) apart from the operator's.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plan-report-\(env.prefix)")
            defer { try? FileManager.default.removeItem(at: folder) }
            _ = try await env.bridge.runAllowingFailure(["compare", "--format", "html", "--out", folder.path])
            let html = try String(contentsOf: folder.appendingPathComponent("latest.html"), encoding: .utf8)
            #expect(html.contains("Mismatch rate per round") && html.contains("Rollout: the stream path&#39;s share of keys"))
            #expect(html.components(separatedBy: "(automatic)").count - 1 == 4, "four automatic moves marked")
            #expect(html.contains("<circle") && html.contains("UTC</text>"))
        }
    }

    @Test func aStreamSideCorruptionDuringCanaryRollsBackWithinOneRound() async throws {
        try await withPaths(contacts: 150, events: 1500, seed: 92) { env in
            try await env.bridge.run(["rollout", "set", "canary", "--percent", "10", "--force", "--reason", "test: canary"])
            // Next step (cutover) only after an hour: whatever moves now is a rollback.
            try await env.bridge.run(["rollout", "plan", "--steps", "10,100", "--rounds", "2", "--min-seconds", "3600"])
            let fold = try await env.referenceFold()
            let rows = fold.contactSummaryRows.filter { $0.messagesSent > 0 }
            let redis = try await RedisClient(configuration: try env.configuration.redis())
            defer { redis.close() }
            // A row changed behind the stream engine's back is seen by verifying rounds (the sums
            // its commits maintain do not change): every round verifies here.
            try await withShadow(env, environment: ["BRIDGE_COMPARE_VERIFY_EVERY": "1"]) { _ in
                #expect(try await eventually(seconds: 30) { try await roundCount(env) >= 2 }, "clean rounds in canary first")
                #expect(try await phase(env) == "canary")
                try await overwriteStreamRow(redis, prefix: env.prefix, contact: rows[1].contactId, with: rows[0].contactId)
                #expect(try await eventually(seconds: 30) { try await phase(env) == "shadow" }, "rolled back by itself")
            }
            let postgres = try await PostgresClient(url: env.configuration.postgresURL)
            defer { postgres.close() }
            let firstDirty = try await postgres.query("SELECT min(id) FROM bridge.comparison_rounds WHERE discrepancies > 0")[0].int(0)
            let verdict = try await postgres.query("SELECT verdict FROM bridge.comparison_discrepancies WHERE round_id = \(firstDirty)::bigint")
            #expect(verdict.count > 0 && verdict[0].optionalString(0) == "stream_wrong")
            let status = try await rolloutStatus(env, history: 20)
            let rollback = try #require(automaticMoves(status).last)
            #expect(rollback.to == "shadow 0" && rollback.rounds == [firstDirty], "the round that found it rolled back: \(rollback)")
            #expect(rollback.reason.contains("stream_wrong"))
            let plan = try #require((status["plan"] as? [String: Any])?["plan"] as? [String: Any])
            #expect(plan["paused"] as? Bool == true && (plan["paused_reason"] as? String)?.contains("automatic rollback") == true, "\(plan)")
        }
    }

    @Test func aLegacySideCorruptionHoldsThePlanUntilAccepted() async throws {
        try await withPaths(contacts: 150, events: 1500, seed: 93) { env in
            try await env.bridge.run(["rollout", "set", "canary", "--percent", "10", "--force", "--reason", "test: canary"])
            try await env.bridge.run(["rollout", "plan", "--steps", "10,100", "--rounds", "2", "--min-seconds", "0"])
            let victim = try #require(try await env.referenceFold().contactSummaryRows.first { $0.messagesSent > 0 }?.contactId)
            let postgres = try await PostgresClient(url: env.configuration.postgresURL)
            defer { postgres.close() }
            try await postgres.query("UPDATE legacy.contact_summary SET messages_sent = messages_sent + 3 WHERE contact_id = \(victim)")
            let http = BridgeHTTP(port: BridgeHTTP.freshPort())
            try await withShadow(env, http: http) { _ in
                #expect(try await eventually(seconds: 30) { try await roundCount(env) >= 4 })
                // The status page: the timeline, and the newest discrepancies with their verdict.
                let page = await http.get("/").body
                #expect(page.contains("Mismatch rate per round") && page.contains("Rollout: the stream path"), "\(page.prefix(300))")
                #expect(page.contains("<b>legacy_wrong</b>") && page.contains(victim), "the discrepancy with its verdict")
                // Held: neither advanced nor rolled back, and it says why.
                #expect(try await phase(env) == "canary")
                let next = try await planStatus(env)["next_action"] as? String ?? ""
                #expect(next.hasPrefix("holding at canary 10%") && next.contains("legacy_wrong"), "\(next)")
                // The operator accepts legacy_wrong: the same rounds now count, and it moves on.
                try await env.bridge.run(["rollout", "plan", "--steps", "10,100", "--rounds", "2", "--min-seconds", "0", "--accept", "legacy_wrong"])
                #expect(try await eventually(seconds: 30) { try await phase(env) == "cutover" }, "accepted: on to cutover")
            }
            #expect(automaticMoves(try await rolloutStatus(env, history: 20)).map(\.to) == ["cutover 100"])
        }
    }

    @Test func twoShadowServicesNeverBothAct() async throws {
        try await withPaths(contacts: 100, events: 1000, seed: 94) { env in
            // One clean round per step: every round of either process is a reason to advance.
            try await env.bridge.run(["rollout", "plan", "--steps", "1,2,5,10,20,50,100", "--rounds", "1", "--min-seconds", "0"])
            var logs: [URL] = []
            var processes: [Process] = []
            for _ in 0..<2 {
                var bridge = env.bridge
                bridge.environment["BRIDGE_LOG_LEVEL"] = "info"
                let (process, _, err) = try bridge.start(["run", "--shadow", "--shadow-interval", "1", "--no-http"])
                processes.append(process)
                logs.append(err)
            }
            defer { for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) } }
            let reached = try await eventually(seconds: 90, every: .seconds(1)) { try await phase(env) == "cutover" }
            for p in processes { kill(p.processIdentifier, SIGTERM); p.waitUntilExit() }
            #expect(reached)
            let moves = automaticMoves(try await rolloutStatus(env, history: 50))
            #expect(moves.map(\.to) == ["canary 1", "canary 2", "canary 5", "canary 10", "canary 20", "canary 50", "cutover 100"], "\(moves)")
            // No two decisions rested on the same round, and each started where the last ended.
            for (a, b) in zip(moves, moves.dropFirst()) {
                #expect(b.from == a.to)
                #expect(b.rounds.min()! > a.rounds.max()!, "\(a.rounds) then \(b.rounds)")
            }
            let perProcess = logs.map { log in String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self).components(separatedBy: "rollout plan: advance").count - 1 }
            #expect(perProcess.reduce(0, +) == moves.count, "every move logged by the one process that made it: \(perProcess)")
            print("two shadow services: moves per process \(perProcess)")
        }
    }

    @Test func aStreamResetRebuildsWhileThePlanWaits() async throws {
        try await withPaths(contacts: 120, events: 1200, seed: 95) { env in
            try await env.bridge.run(["rollout", "set", "canary", "--percent", "10", "--force", "--reason", "test: canary"])
            let refused = try await env.bridge.runAllowingFailure(["stream", "reset", "--yes"])
            #expect(refused.status == 1 && refused.stderr.contains("refused") && refused.stderr.contains("canary"), "\(refused.stderr)")

            try await env.bridge.run(["rollout", "rollback", "--reason", "test: the stream path had a bug"])
            try await env.bridge.run(["rollout", "plan", "--steps", "10,100", "--rounds", "1", "--min-seconds", "0"])
            let reset = try await env.bridge.run(["stream", "reset", "--yes", "--reason", "test: fixed"])
            #expect(reset.contains("removed") && reset.contains("the rollout plan is paused"), "\(reset)")
            // The rounds say the stream is behind (nothing compared is not a mismatch) ...
            let behind = try await env.bridge.runAllowingFailure(["compare", "--format", "json"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(behind.stdout.utf8)) as? [String: Any])
            #expect(report["consistent"] as? Bool == false && ((report["lag"] as? [String: Any])?["stream"] as? Int ?? 0) > 0, "\(behind.stdout.prefix(400))")
            // ... and a resumed plan does not advance on them.
            try await env.bridge.run(["rollout", "resume", "--reason", "test: rebuilding"])
            try await env.bridge.run(["run", "--shadow", "--exit-when-idle"])
            #expect(try await phase(env) == "shadow")
            let waiting = try await planStatus(env)["next_action"] as? String ?? ""
            #expect(waiting.contains("offsets behind"), "\(waiting)")

            // Rebuilt from the log, then compared clean: the plan goes on by itself.
            try await env.bridge.run(["run", "--stream", "--exit-when-idle"])
            try await env.bridge.run(["run", "--shadow", "--exit-when-idle"])
            #expect(try await phase(env) == "canary")
            let actions = (try await rolloutStatus(env, history: 20)["history"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.prefix(5) == ["advance", "resume", "stream-reset", "pause", "plan"], "\(actions)")
        }
    }

    // MARK: - Helpers

    /// A fresh environment whose two paths have consumed a generated workload.
    func withPaths(contacts: Int, events: Int, seed: Int, _ body: (TestEnvironment) async throws -> Void) async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "\(contacts)", "--events", "\(events)", "--seed", "\(seed)"])
            try await env.bridge.run(["run", "--legacy", "--stream", "--exit-when-idle"])
            try await body(env)
        }
    }

    /// Runs `bridge run --shadow` (a round a second; its HTTP server on `http` when given)
    /// around `body`, then stops it.
    func withShadow(_ env: TestEnvironment, environment: [String: String] = [:], http: BridgeHTTP? = nil,
                    _ body: (Process) async throws -> Void) async throws {
        var bridge = env.bridge
        bridge.environment.merge(environment) { $1 }
        if let http { bridge.environment["BRIDGE_HTTP"] = http.address }
        let (process, _, err) = try bridge.start(["run", "--shadow", "--shadow-interval", "1"] + (http == nil ? ["--no-http"] : []))
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try await body(process)
        #expect(process.isRunning, "the shadow service kept running: \(tail(err))")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    func rolloutStatus(_ env: TestEnvironment, history: Int = 5) async throws -> [String: Any] {
        let text = try await env.bridge.run(["rollout", "status", "--json", "--history", "\(history)"])
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func planStatus(_ env: TestEnvironment) async throws -> [String: Any] {
        try #require(try await rolloutStatus(env)["plan"] as? [String: Any])
    }

    func phase(_ env: TestEnvironment) async throws -> String? {
        try await rolloutStatus(env)["phase"] as? String
    }

    func roundCount(_ env: TestEnvironment) async throws -> Int {
        let postgres = try await PostgresClient(url: env.configuration.postgresURL)
        defer { postgres.close() }
        return Int(try await postgres.query("SELECT count(*) FROM bridge.comparison_rounds")[0].int(0))
    }

    struct Move: CustomStringConvertible {
        var from: String
        var to: String
        var rounds: [Int64]
        var at: Date
        var `operator`: String
        var reason: String
        var description: String { "\(from) -> \(to) on \(rounds)" }
    }

    /// The automatic moves of the history, oldest first.
    func automaticMoves(_ status: [String: Any]) -> [Move] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return (status["history"] as? [[String: Any]] ?? []).reversed().filter {
            $0["automatic"] as? Bool == true && ["advance", "rollback"].contains($0["action"] as? String)
        }.map { e in
            Move(from: "\(e["from_phase"] ?? "") \(e["from_percent"] ?? "")", to: "\(e["to_phase"] ?? "") \(e["to_percent"] ?? "")",
                 rounds: (e["round_ids"] as? [NSNumber] ?? []).map(\.int64Value), at: formatter.date(from: e["at"] as? String ?? "") ?? .distantPast,
                 operator: e["operator"] as? String ?? "", reason: e["reason"] as? String ?? "")
        }
    }
}
