import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import RedisClient
import StreamAgg
import Testing

/// The stream path on a real Redis Cluster (three masters, three replicas: `scripts/services up
/// cluster`), through the `bridge` binary: exact after kill -9s, through a master's failover
/// and through a slot moving to another master while it works. Each partition's keys share one
/// hash tag, so every commit is a single-slot script call wherever the slot lives.
@Suite(.serialized, .sharedMachine) struct ClusterStreamTests {
    @Test func exactAcrossKillNineOnTheCluster() async throws {
        try await withClusterEnvironment { env, bridge in
            try await bridge.run(["generate", "--contacts", "400", "--events", "20000", "--seed", "81", "--invalid-share", "0.02"])
            for _ in 0..<2 {
                let (process, _, _) = try bridge.start(["run", "--stream", "--no-http"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 3500...6500)))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            try await bridge.run(["generate", "--contacts", "400", "--events", "3000", "--seed", "82"])
            try await bridge.run(["run", "--stream", "--exit-when-idle", "--no-http"])
            try await Self.expectExact(env, bridge)
        }
    }

    /// The master holding a partition's slot is killed -9 while the path works, and its replica
    /// takes over. Replication is asynchronous: the replica may lack the last commits the dead
    /// master acknowledged. It holds a prefix of them, offsets and state together (one script
    /// call per commit), so the engine's next commit for that partition finds the stored offsets
    /// behind, is refused, and the engine rejoins and folds those records again, exactly once.
    @Test(.clusterTopology) func aMasterKilledMidRunFailsOverAndEndsExact() async throws {
        try await TestCluster.waitUntilStable()
        // The killed node comes back (as a replica) whatever happens, before the next test.
        do {
            try await failOverMidRun()
        } catch {
            try? await TestCluster.restore()
            throw error
        }
        try await TestCluster.restore()
    }

    private func failOverMidRun() async throws {
        try await withClusterEnvironment { env, bridge in
            try await bridge.run(["generate", "--contacts", "5000", "--events", "150000", "--seed", "83"])
            let (process, _, err) = try bridge.start(["run", "--stream", "--exit-when-idle", "--no-http"])
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let started = try await Self.waitUntil(seconds: 60) { try await Self.contacts(bridge) > 0 }
            #expect(started, "the stream path applied its first batch: \(Self.tail(err))")
            let slot = RedisHashSlot.of(key: Array(Self.partitionKey(env.prefix, 0).utf8))
            let victim = try #require(try await TestCluster.master(ofSlot: slot))
            try await TestCluster.kill9(victim)
            let promoted = try await TestCluster.waitForFailover(ofSlot: slot, awayFrom: victim)
            #expect(promoted != victim)

            let status = try await Self.exitStatus(process, seconds: 300)
            #expect(status == 0, "--exit-when-idle ends with 0 after the failover: \(Self.tail(err))")
            let log = Self.tail(err, limit: 1_000_000)
            #expect(log.contains("waiting for the service to come back") || log.contains("joining again") || log.contains("lost writes"),
                    "the failover was seen and waited out, not missed: \(Self.tail(err))")
            try await Self.expectExact(env, bridge)
        }
    }

    /// Two partitions' slots move to another master while the path works: one with
    /// `redis-cli --cluster reshard`-style MIGRATE of all its keys at once, so the client
    /// follows MOVED, and one by hand with its keys moved while the path commits, so it also
    /// meets ASK.
    @Test(.clusterTopology) func slotsMovedWhileThePathWorksEndExact() async throws {
        try await TestCluster.waitUntilStable()
        try await withClusterEnvironment { env, bridge in
            try await bridge.run(["generate", "--contacts", "5000", "--events", "150000", "--seed", "84"])
            let (process, _, err) = try bridge.start(["run", "--stream", "--exit-when-idle", "--no-http"])
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let started = try await Self.waitUntil(seconds: 60) { try await Self.contacts(bridge) > 0 }
            #expect(started, "the stream path applied its first batch: \(Self.tail(err))")

            for p: Int32 in [1, 2] {
                let slot = RedisHashSlot.of(key: Array(Self.partitionKey(env.prefix, p).utf8))
                let source = try #require(try await TestCluster.master(ofSlot: slot))
                let target = try #require(try await TestCluster.masters().keys.first { $0 != source })
                try await TestCluster.beginMigration(slot: slot, from: source, to: target)
                try await Task.sleep(for: .milliseconds(300))
                try await TestCluster.finishMigration(slot: slot, from: source, to: target)
                #expect(try await TestCluster.master(ofSlot: slot) == target)
            }
            let status = try await Self.exitStatus(process, seconds: 300)
            #expect(status == 0, "--exit-when-idle ends with 0 after the moves: \(Self.tail(err))")
            try await Self.expectExact(env, bridge)
        }
    }

    // MARK: - Helpers

    /// A test environment whose bridge uses the cluster; the prefix's keys are removed after.
    private func withClusterEnvironment(_ body: (TestEnvironment, BridgeProcess) async throws -> Void) async throws {
        try await withTestEnvironment { env in
            var bridge = env.bridge
            bridge.environment["BRIDGE_REDIS_URL"] = TestCluster.url
            bridge.environment["BRIDGE_BATCH_SIZE"] = "2000"
            do {
                try await body(env, bridge)
            } catch {
                await Self.removeKeys(env.prefix)
                throw error
            }
            await Self.removeKeys(env.prefix)
        }
    }

    private static func removeKeys(_ prefix: String) async {
        guard let redis = try? await RedisClient(configuration: try RedisConfiguration(url: TestCluster.url)) else { return }
        _ = try? await redis.deleteKeys(matching: prefix + "*")
        redis.close()
    }

    /// A key of stream partition `p` (its meta hash).
    static func partitionKey(_ prefix: String, _ p: Int32) -> String { StreamKeyspace(prefix: prefix).partition(p).meta }

    static func expectExact(_ env: TestEnvironment, _ bridge: BridgeProcess) async throws {
        let contacts = try await env.expectStreamMatchesFold(exportingWith: bridge)
        #expect(contacts.count > 300)
    }

    static func contacts(_ bridge: BridgeProcess) async throws -> Int {
        try await bridge.run(["export", "--source", "stream", "--table", "contact_summary"]).split(separator: "\n").count
    }

    static func waitUntil(seconds: Int, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    static func exitStatus(_ process: Process, seconds: Int) async throws -> Int32? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    static func tail(_ err: URL, limit: Int = 1500) -> String {
        String(String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self).suffix(limit))
    }
}
