import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import ServiceSupport
import Testing

/// `bridge run --exit-when-idle` working through a large input while the store it writes to
/// fails: Redis stopped and started, Redis killed -9 and started from its append-only file
/// (losing up to its last second of writes), PostgreSQL killed -9. Each time the process must
/// not exit while the service is down, must end with exit 0 once the input is consumed, and
/// the store and the last row published per key must equal the contract's fold of all input.
/// Every fault is done to a private server of the test's own, never to the shared ones.
///
/// What used to happen: `scripts/services restart redis` during `bridge run --stream` ended
/// the process with `redis at ...: connection failed: Server closed the connection`.
@Suite(.serialized, .sharedMachine) struct FaultsUnderLoadTests {
    /// About 300,000 records: several seconds of the stream path's work, so the fault lands
    /// in the middle of it.
    static let streamWorkload = ["generate", "--contacts", "20000", "--events", "300000", "--seed", "71", "--invalid-share", "0.01"]

    @Test func redisStoppedAndStartedUnderLoadIsWaitedOut() async throws {
        try await streamRunSurvives(seed: 71) { redis in
            try await redis.stop()
            try await Task.sleep(for: .seconds(5))
            try await redis.start()
        }
    }

    /// The restarted Redis may have lost its last second of writes while Kafka's offsets for
    /// them were committed: the stream path must notice and fold those records again, exactly
    /// once (Redis is the source of truth for what the path applied).
    @Test func redisKilledAndRestartedFromItsAppendOnlyFileEndsExact() async throws {
        try await streamRunSurvives(seed: 72) { redis in
            redis.kill9()
            try await Task.sleep(for: .seconds(3))
            try await redis.start()
        }
    }

    /// The legacy path writes through stored procedures that recompute from history (about
    /// 1,500 records/s here, docs/benchmarks.md), so its input is tens of thousands of records,
    /// not hundreds of thousands. All components run: the legacy path, the router and the
    /// comparator depend on PostgreSQL; the stream path goes on meanwhile.
    @Test func postgresKilledUnderLoadIsWaitedOutAndEndsExact() async throws {
        let postgres = try PrivatePostgres()
        defer { postgres.remove() }
        let run = try await FaultRun.make(postgresURL: postgres.url)
        try await run.bridge.run(["migrate"])
        try await run.bridge.run(["topics"])
        try await run.bridge.run(["generate", "--contacts", "2000", "--events", "40000", "--seed", "73", "--invalid-share", "0.01"])

        let (process, _, err) = try run.bridge.start(["run", "--exit-when-idle"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let started = try await run.waitUntil(seconds: 60) { try await run.export("legacy", "contact_summary").count > 0 }
        #expect(started, "the legacy path applied its first batch: \(run.stderr(err))")
        #expect(process.isRunning, "still working when PostgreSQL dies (otherwise this proves nothing)")

        try postgres.kill9()
        try await Task.sleep(for: .seconds(5))
        #expect(process.isRunning, "bridge run waits while PostgreSQL is down: \(run.stderr(err))")
        try await startAgain(postgres)

        let status = try await exitStatus(process, seconds: 600)
        #expect(status == 0, "--exit-when-idle ends with 0 after the outage: \(run.stderr(err))")
        let outcome = try await run.waitUntilExact(legacy: true, stream: true, serving: true, seconds: 60)
        #expect(outcome.exact, "\(outcome.report); \(run.stderr(err))")
        #expect(Self.waitsLogged(err) >= 1, "the outage was seen and waited out, not missed")
    }

    /// The stream path alone on a private Redis, through `streamWorkload`, with `fault` done to
    /// Redis once the path has applied its first batches. The server and the database are
    /// removed before it returns, whatever happened (a detached clean-up can outlive the test
    /// process and leave the server running).
    private func streamRunSurvives(seed: Int, _ fault: (PrivateRedis) async throws -> Void) async throws {
        try await withPrivateRedis { redis in
            try await withTestDatabase(tag: "faultload_\(UInt32.random(in: 0...UInt32.max))", migrated: false) { database in
                try await redis.start()
                try await streamRun(redis: redis, database: database, seed: seed, fault)
            }
        }
    }

    private func streamRun(redis: PrivateRedis, database: TestDatabase, seed: Int, _ fault: (PrivateRedis) async throws -> Void) async throws {
        let run = try await FaultRun.make(postgresURL: database.url, redisURL: redis.url)
        try await run.bridge.run(["topics"])
        var workload = Self.streamWorkload
        workload[workload.firstIndex(of: "--seed")! + 1] = String(seed)
        try await run.bridge.run(workload)

        let (process, _, err) = try run.bridge.start(["run", "--stream", "--exit-when-idle"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let started = try await run.waitUntil(seconds: 60) { try await run.export("stream", "contact_summary").count > 0 }
        #expect(started, "the stream path applied its first batch: \(run.stderr(err))")
        #expect(process.isRunning, "still working when Redis fails (otherwise this proves nothing)")

        try await fault(redis)
        #expect(process.isRunning, "bridge run waited while Redis was down: \(run.stderr(err))")

        let status = try await exitStatus(process, seconds: 600)
        #expect(status == 0, "--exit-when-idle ends with 0 after the outage: \(run.stderr(err))")
        let outcome = try await run.waitUntilExact(legacy: false, stream: true, serving: false, seconds: 60)
        #expect(outcome.exact, "\(outcome.report); \(run.stderr(err))")
        #expect(Self.waitsLogged(err) >= 1, "the outage was seen and waited out, not missed")
    }

    /// How many times `bridge run` logged that it waits for a service (ServiceOutage).
    private static func waitsLogged(_ stderr: URL) -> Int {
        String(decoding: (try? Data(contentsOf: stderr)) ?? Data(), as: UTF8.self)
            .components(separatedBy: "waiting for the service to come back").count - 1
    }

    /// After a kill -9 the old postmaster's backends may still hold its shared memory for a
    /// moment, and PostgreSQL refuses to start until they are gone.
    private func startAgain(_ postgres: PrivatePostgres) async throws {
        try await RetryPolicy(firstDelay: .seconds(1), maxDelay: .seconds(1), maxAttempts: 20)
            .run(retryingIf: { _ in true }) { try postgres.start() }
    }

    /// Waits (bounded: a guard against hanging) for the process to exit; nil if it did not.
    private func exitStatus(_ process: Process, seconds: Int) async throws -> Int32? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        return process.isRunning ? nil : process.terminationStatus
    }
}
