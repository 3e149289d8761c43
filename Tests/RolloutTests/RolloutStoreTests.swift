import BridgeTestSupport
import Foundation
import PostgresClient
import Rollout
import Testing

@Suite("Rollout state, gate and audit history against PostgreSQL")
struct RolloutStoreTests {
    /// Runs `body` on a migrated database of its own, dropped afterwards whatever happens.
    static func withDatabase(_ body: (TestDatabase) async throws -> Void) async throws {
        let tag = "ro" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try await withTestDatabase(tag: tag, migrated: true, body)
    }

    /// Records a comparison round the way the comparator would, returning its id.
    @discardableResult
    static func round(_ postgres: PostgresClient, consistent: Bool = true, discrepancies: Int64 = 0, compared: Int64 = 100,
                      streamLag: Int64 = 0) async throws -> Int64 {
        try await postgres.query("""
            INSERT INTO bridge.comparison_rounds
                   (started_at, finished_at, consistent, compared_contacts, compared_campus_days, discrepancies, mismatch_rate, stream_lag)
            VALUES (now(), now(), \(consistent), \(compared), 10, \(discrepancies), 0, \(streamLag))
            RETURNING id
            """)[0].int(0)
    }

    static func refusal(_ body: () async throws -> RolloutStore.Change) async -> RolloutStore.Refused? {
        do { _ = try await body(); return nil } catch let refused as RolloutStore.Refused { return refused } catch {
            Issue.record("unexpected error: \(error)")
            return nil
        }
    }

    @Test("the gate refuses advance after a dirty round, accepts after K clean ones; --force passes and is recorded")
    func gate() async throws {
        try await Self.withDatabase { database in
            let postgres = try await PostgresClient(url: database.url)
            defer { postgres.close() }
            let store = RolloutStore(postgres: postgres)
            let gate = RolloutGate(rounds: 3, minKeys: 50)

            #expect(try await store.position() == .shadow)
            // No rounds at all: nothing is proven yet.
            let none = await Self.refusal { try await store.advance(force: false, operator: "ana", reason: "first try", gate: gate) }
            #expect(none?.description.contains("only 0 comparison rounds") == true)

            for _ in 0..<3 { try await Self.round(postgres) }
            let dirty = try await Self.round(postgres, discrepancies: 2)
            let refused = await Self.refusal { try await store.advance(force: false, operator: "ana", reason: nil, gate: gate) }
            #expect(refused?.verdict?.open == false)
            #expect(refused?.description.contains("round \(dirty)") == true)
            #expect(refused?.description.contains("found 2 discrepancies") == true)
            #expect(try await store.position() == .shadow)

            // An inconsistent round and a too-small round close it too, each named.
            let inconsistent = try await Self.round(postgres, consistent: false)
            let small = try await Self.round(postgres, compared: 3)
            let verdict = try await store.verdict(gate: gate)
            #expect(!verdict.open)
            #expect(verdict.checkedRounds == [small, inconsistent, dirty])
            #expect(verdict.problems.contains { $0.contains("round \(inconsistent)") && $0.contains("consistent cut") })
            #expect(verdict.problems.contains { $0.contains("round \(small)") && $0.contains("compared 3 contacts") })

            for _ in 0..<3 { try await Self.round(postgres) }
            #expect(try await store.verdict(gate: gate).open)
            let advanced = try await store.advance(force: false, operator: "ana", reason: "three clean rounds", gate: gate)
            #expect(advanced.to == .canary(10))
            #expect(!advanced.forced)

            // Growing the canary is gated like advance; shrinking it is not.
            try await Self.round(postgres, discrepancies: 1)
            let grow = await Self.refusal { try await store.set(.canary, percent: 50, force: false, operator: "bo", reason: nil, gate: gate) }
            #expect(grow != nil)
            #expect(try await store.set(.canary, percent: 5, force: false, operator: "bo", reason: "smaller", gate: gate).to == .canary(5))

            let forced = try await store.advance(force: true, operator: "bo", reason: "hotfix deadline", gate: gate)
            #expect(forced.to == .cutover)
            #expect(forced.forced)

            let state = try await store.state()
            #expect(state.position == .cutover)
            #expect(state.by == "bo")
            #expect(state.reason?.hasPrefix("hotfix deadline (forced past the gate: round ") == true)

            let history = try await store.history(limit: 10)
            #expect(history.map(\.action) == ["advance", "set", "advance"])
            #expect(history[0].forced && !history[1].forced && !history[2].forced)
            #expect(history[0].fromPhase == "canary" && history[0].toPhase == "cutover" && history[0].fromPercent == 5 && history[0].toPercent == 100)
            #expect(history[2].operator == "ana" && history[2].reason == "three clean rounds")

            // Advance past cutover is refused, forced or not.
            let beyond = await Self.refusal { try await store.advance(force: true, operator: "bo", reason: nil, gate: gate) }
            #expect(beyond?.description.contains("already at cutover") == true)
        }
    }

    @Test("rollback works from every phase, whatever the gate says, and is audited")
    func rollback() async throws {
        try await Self.withDatabase { database in
            let postgres = try await PostgresClient(url: database.url)
            defer { postgres.close() }
            let store = RolloutStore(postgres: postgres)
            let gate = RolloutGate(rounds: 1, minKeys: 1)
            try await Self.round(postgres, discrepancies: 7) // the gate stays closed throughout

            for position in [RolloutPosition.shadow, .canary(30), .cutover] {
                if position != .shadow {
                    _ = try await store.set(position.phase, percent: position.percent, force: true, operator: "ops", reason: "setup", gate: gate)
                }
                #expect(try await store.position() == position)
                let change = try await store.rollback(operator: "oncall", reason: "rollback from \(position)")
                #expect(change.from == position)
                #expect(change.to == .shadow)
                #expect(try await store.position() == .shadow)
            }
            let history = try await store.history(limit: 20)
            #expect(history.filter { $0.action == "rollback" }.count == 3)
            #expect(history.filter { $0.action == "rollback" }.allSatisfy { $0.operator == "oncall" && $0.toPhase == "shadow" && $0.toPercent == 0 && !$0.forced })
            let status = try await store.status(gate: gate, historyLimit: 3)
            #expect(status.phase == .shadow && status.by == "oncall")
            #expect(status.history.count == 3)
            #expect(!status.gate.open)
        }
    }

    @Test("a round that found the stream path behind (rebuilding) closes the gate")
    func streamBehindClosesTheGate() async throws {
        try await Self.withDatabase { database in
            let postgres = try await PostgresClient(url: database.url)
            defer { postgres.close() }
            let store = RolloutStore(postgres: postgres)
            let gate = RolloutGate(rounds: 2, minKeys: 1)
            try await Self.round(postgres)
            let behind = try await Self.round(postgres, streamLag: 1200)
            let verdict = try await store.verdict(gate: gate)
            #expect(!verdict.open)
            #expect(verdict.problems.count == 1 && verdict.problems[0].hasPrefix("round \(behind) (finished ")
                     && verdict.problems[0].hasSuffix("found the stream path 1200 offsets behind the legacy path (still catching up, or rebuilding after a reset)"),
                     "\(verdict.problems)")
            try await Self.round(postgres)
            try await Self.round(postgres)
            #expect(try await store.verdict(gate: gate).open)
        }
    }

    @Test("concurrent changes are serialised: each history row starts where the previous one ended")
    func concurrentChanges() async throws {
        try await Self.withDatabase { database in
            let gate = RolloutGate(rounds: 1, minKeys: 1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        let postgres = try await PostgresClient(url: database.url)
                        defer { postgres.close() }
                        let store = RolloutStore(postgres: postgres)
                        for j in 0..<5 {
                            if (i + j) % 3 == 0 {
                                _ = try await store.rollback(operator: "op\(i)", reason: nil)
                            } else {
                                _ = try await store.set(.canary, percent: (i * 7 + j * 11) % 101, force: true, operator: "op\(i)", reason: nil, gate: gate)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let postgres = try await PostgresClient(url: database.url)
            defer { postgres.close() }
            let history = try await RolloutStore(postgres: postgres).history(limit: 100).reversed().map { $0 }
            #expect(history.count == 40)
            var previous = (phase: "shadow", percent: 0)
            for entry in history {
                #expect(entry.fromPhase == previous.phase && entry.fromPercent == previous.percent, "history #\(entry.id)")
                previous = (entry.toPhase ?? "", entry.toPercent ?? -1)
            }
            let state = try await RolloutStore(postgres: postgres).position()
            #expect(state.phase.rawValue == previous.phase && state.percent == previous.percent)
        }
    }
}
