import BridgeTestSupport
import Foundation
import RedisClient
import ServiceSupport
import Testing

/// `RedisClient` on the real Redis Cluster that scripts/services starts (three masters, three
/// replicas): requests routed to the node of their slot with replies in request order, spans
/// refused, scripts loaded per node, seed lists, and the topology changing under the client —
/// slots resharded (MOVED), a slot migrating (ASK), a master killed -9 (failover).
///
/// Serialized, and under the cluster topology lock: the tests move slots and kill nodes.
@Suite(.serialized, .clusterTopology) struct RedisClusterTests {
    let prefix = "ct\(UInt32.random(in: 0...UInt32.max)):"

    func client(_ name: String = "cluster-test") async throws -> RedisClient {
        try await RedisClient(configuration: try RedisConfiguration(url: TestCluster.url), name: name)
    }

    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// Commands, scripts and transactions for keys all over the cluster in one execute: every
    /// reply where its request was, every key stored on the master that owns its slot (asked
    /// directly), and no redirection needed.
    @Test func routesEachRequestToItsSlotsMasterAndRepliesInRequestOrder() async throws {
        let client = try await client()
        defer { client.close() }
        #expect(client.isCluster)
        let keys = (0..<300).map { "\(prefix){k\($0)}" }
        let script = RedisScript(source: "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('STRLEN', KEYS[1])")
        var requests: [RedisRequest] = []
        for (i, key) in keys.enumerated() {
            switch i % 3 {
            case 0: requests.append(.command(["SET", key, "v\(i)"]))
            case 1: requests.append(.script(script, keys: [bytes(key)], args: [bytes("v\(i)")]))
            default: requests.append(.transaction([["SET", key, "v\(i)"], ["GET", key]].map { $0.map { Array($0.utf8) } }))
            }
        }
        let replies = try await client.execute(requests)
        #expect(replies.count == keys.count)
        for (i, reply) in replies.enumerated() {
            let expected: RedisReply = switch i % 3 {
            case 0: .status("OK")
            case 1: .integer(Int64("v\(i)".utf8.count))
            default: .array([.status("OK"), .bulk(bytes("v\(i)"))])
            }
            #expect(reply == expected, "reply \(i)")
        }

        // Read back in one pipeline, and from the owning master directly.
        let values = try await client.pipeline(keys.map { [bytes("GET"), bytes($0)] })
        #expect(values == keys.indices.map { .bulk(bytes("v\($0)")) })
        let owners = try await TestCluster.slotRanges()
        #expect(Set(owners.map(\.master)).count == 3, "three masters: \(owners)")
        var perMaster: [RedisEndpoint: Int] = [:]
        for (i, key) in keys.enumerated() where i % 10 == 0 {
            let slot = RedisHashSlot.of(key: bytes(key))
            let owner = try #require(owners.first { $0.slots.contains(slot) }?.master)
            perMaster[owner, default: 0] += 1
            #expect(try await TestCluster.onNode(owner) { try $0.command(["GET", key]) } == .bulk(bytes("v\(i)")))
        }
        #expect(perMaster.count == 3, "the keys are spread over every master: \(perMaster)")
        #expect(client.clusterSnapshot?.movedFollowed == 0, "the map was right: nothing redirected")
        #expect(try await client.deleteKeys(matching: prefix + "*") == keys.count)
    }

    /// A request whose keys span slots is refused before anything is sent: no silent split.
    @Test func aRequestSpanningSlotsIsRefusedAndNothingIsSent() async throws {
        let client = try await client()
        defer { client.close() }
        let sentinel = "\(prefix){a}sentinel"
        let requests: [RedisRequest] = [
            .command(["SET", sentinel, "1"]),
            .command(["MSET", "\(prefix){a}x", "1", "\(prefix){b}y", "2"]),
        ]
        let error = await #expect(throws: RedisClusterError.self) { try await client.execute(requests) }
        guard case .crossSlot(let command, let slots) = error?.reason else {
            Issue.record("expected a cross-slot refusal: \(String(describing: error))")
            return
        }
        #expect(command == "MSET" && slots.count == 2)
        #expect(error?.isTransient == false)
        let text = "\(error!)"
        #expect(text.contains(TestCluster.url.dropFirst("redis://".count)) && !text.contains("\n"), "\(text)")
        #expect(try await client.command(["EXISTS", sentinel]) == .integer(0), "the request before it was not sent either")
        await #expect(throws: RedisClusterError.self) {
            try await client.execute([.transaction([["SET", "\(prefix){a}1", "1"], ["SET", "\(prefix){b}2", "2"]].map { $0.map { Array($0.utf8) } })])
        }
        // The same keys under one hash tag are one slot, on one node, atomic.
        let together = try await client.execute([.command(["MSET", "\(prefix){a}x", "1", "\(prefix){a}y", "2"])])
        #expect(together == [.status("OK")])
        _ = try await client.deleteKeys(matching: prefix + "*")
    }

    /// Scripts are loaded on each node that lacks them, and again on a node that forgot them.
    /// Commands about a node go to every master; a held connection has no meaning on a cluster.
    @Test func scriptsPerNodeEveryMasterCommandsAndNoSingleConnection() async throws {
        let client = try await client()
        defer { client.close() }
        let script = RedisScript(source: "return redis.call('INCRBY', KEYS[1], ARGV[1]) -- \(prefix)")
        let keys = (0..<30).map { "\(prefix){s\($0)}" }
        let first = try await client.execute(keys.map { .script(script, keys: [bytes($0)], args: [bytes("5")]) })
        #expect(first == Array(repeating: .integer(5), count: keys.count))

        let flushed = try await client.onEveryMaster(.command(["SCRIPT", "FLUSH"]))
        #expect(flushed.count == 3 && flushed.allSatisfy { $0.reply == .status("OK") }, "\(flushed)")
        let second = try await client.execute(keys.map { .script(script, keys: [bytes($0)], args: [bytes("1")]) })
        #expect(second == Array(repeating: .integer(6), count: keys.count), "loaded again where forgotten, run once")

        let sizes = try await client.onEveryMaster(.command(["DBSIZE"]))
        #expect(Set(sizes.map(\.node)).count == 3 && sizes.allSatisfy { ($0.reply.int ?? -1) >= 0 })
        let error = await #expect(throws: RedisClusterError.self) { try await client.withConnection { _ in 1 } }
        #expect(error?.reason == .singleNodeOnly(operation: "withConnection"))
        #expect(try await client.deleteKeys(matching: prefix + "*") == keys.count)
    }

    /// executeBlocking, for a caller on a thread of its own (librdkafka's rebalance callback
    /// reads the stream path's start offsets with it): the same routing, every node at once.
    @Test func executeBlockingRoutesLikeExecute() async throws {
        let client = try await client()
        defer { client.close() }
        let keys = (0..<60).map { "\(prefix){b\($0)}" }
        let replies = try await onOwnThread("rebalance-callback") {
            try client.executeBlocking(keys.map { .command(["SET", $0, $0]) } + keys.map { .command(["GET", $0]) })
        }
        #expect(replies == Array(repeating: .status("OK"), count: keys.count) + keys.map { .bulk(bytes($0)) })
        let spanning = keys.prefix(2).map { bytes($0) }
        #expect(throws: RedisClusterError.self) { try client.executeBlocking([.command([bytes("MGET")] + spanning)]) }
        #expect(try await client.deleteKeys(matching: prefix + "*") == keys.count)
    }

    @Test func aSeedListWithADeadSeedConnectsThroughTheNext() async throws {
        // Port 1 refuses at once; the second seed answers and tells the client the rest.
        let url = "redis://127.0.0.1:1,\(TestCluster.nodes[1])"
        let client = try await RedisClient(configuration: try RedisConfiguration(url: url))
        defer { client.close() }
        #expect(client.isCluster && client.clusterSnapshot?.masters.count == 3)
        #expect(client.clusterSnapshot?.servedSlots == RedisHashSlot.count)
        let key = "\(prefix){seed}"
        #expect(try await client.command(["SET", key, "x"]) == .status("OK"))
        #expect(try await client.command(["GET", key]) == .bulk(bytes("x")))
        _ = try await client.command(["DEL", key])
    }

    @Test func whatAClusterCannotDoIsAOneLineErrorWithoutThePassword() async throws {
        let database = await #expect(throws: RedisClusterError.self) {
            _ = try await RedisClient(configuration: try RedisConfiguration(url: "redis://\(TestCluster.nodes[0])/2"))
        }
        #expect(database?.reason == .databaseOnCluster(2) && database?.isTransient == false)
        #expect(database.map { "\($0)" } == "redis at \(TestCluster.nodes[0]): database 2 requested, but a Redis Cluster has database 0 only (drop /2 from BRIDGE_REDIS_URL)")
        let notACluster = await #expect(throws: RedisClusterError.self) {
            _ = try await RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:16379,\(TestCluster.nodes[0])/0"))
        }
        #expect(notACluster?.reason == .seedsOfNoCluster)
        let unreachable = await #expect(throws: ServiceUnavailable.self) {
            _ = try await RedisClient(configuration: try RedisConfiguration(url: "redis://:secret@127.0.0.1:1,127.0.0.1:2/0"))
        }
        let text = unreachable.map { "\($0)" } ?? ""
        #expect(text.contains("127.0.0.1:1") && text.contains("127.0.0.1:2") && !text.contains("secret") && !text.contains("\n"), "\(text)")
        #expect(unreachable?.isTransient == true)
    }

    /// A cluster node that serves no slot yet (a cluster not created, or reset) gives the
    /// client no map to route by: a transient error naming the node, not a client with no nodes.
    @Test func aClusterNodeWithoutSlotsIsATransientError() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = LoopbackPort.reserve()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path,
                            "--cluster-enabled", "yes", "--save", "", "--appendonly", "no", "--daemonize", "no",
                            "--logfile", directory.appendingPathComponent("redis.log").path]
        try server.run()
        let node = RedisEndpoint(host: "127.0.0.1", port: port)
        // SHUTDOWN rather than Process.terminate(): its SIGTERM was seen never to reach the
        // server (a child inherits the blocked signals of the pool thread that started it).
        defer {
            _ = try? RedisConnection(configuration: try RedisConfiguration(url: "redis://\(node)/0"), endpoint: node).command(["SHUTDOWN", "NOSAVE"])
            server.waitUntilExit()
        }
        let answered = try await waitUntil { (try? await TestCluster.onNode(node) { try $0.command(["PING"]) }) == .status("PONG") }
        try #require(answered, "the empty cluster node started")

        let error = await #expect(throws: RedisClusterError.self) {
            _ = try await RedisClient(configuration: try RedisConfiguration(url: "redis://\(node)/0"))
        }
        guard case .noSlotMap(let detail) = error?.reason else {
            Issue.record("expected no slot map: \(String(describing: error))")
            return
        }
        #expect(detail.contains("\(node)") && error?.isTransient == true, "\(error!)")
    }

    // MARK: - The topology changing under the client

    /// `redis-cli --cluster reshard` moves a range of slots, keys and all, to another master
    /// after the client read its map: the client's requests for those slots reach the old
    /// master, which answers MOVED; the client follows to the new one, reads the map again,
    /// and then goes there directly. The slots are moved back at the end.
    @Test func movedIsFollowedAfterAReshard() async throws {
        let masters = try await TestCluster.masters()
        // The source serves slot 0, so its lowest slots, the ones reshard moves, are lower
        // than any of the target's: moving the target's lowest back returns exactly them.
        let source = try #require(masters.first { $0.value.first == 0 }?.key)
        let target = try #require(masters.keys.filter { $0 != source }.min { $0.port < $1.port })
        let moving = Array(masters[source]!.prefix(50))
        let client = try await client()
        defer { client.close() }
        let keys = moving.map { TestCluster.key(inSlot: $0, "\(prefix)r") }
        _ = try await client.pipeline(keys.map { [bytes("SET"), bytes($0), bytes($0)] })
        #expect(client.clusterSnapshot?.master(ofSlot: moving[0]) == source)

        try await TestCluster.reshard(from: source, to: target, count: moving.count)
        do {
            #expect(try await TestCluster.master(ofSlot: moving[0]) == target)
            #expect(try await TestCluster.master(ofSlot: moving.last!) == target)
            let values = try await client.pipeline(keys.map { [bytes("GET"), bytes($0)] })
            #expect(values == keys.map { .bulk(bytes($0)) }, "every key read where it moved")
            #expect((client.clusterSnapshot?.movedFollowed ?? 0) >= 1, "the old master answered MOVED and the client followed it")
            // The map is read again in the background (again after each MOVED, should the node
            // asked not have heard of the move yet); then the requests go straight there.
            let refreshed = try await waitUntil {
                _ = try await client.pipeline(keys.map { [bytes("GET"), bytes($0)] })
                return moving.allSatisfy { client.clusterSnapshot?.master(ofSlot: $0) == target }
            }
            #expect(refreshed, "the client's map shows the new owner of every moved slot")
            let moved = client.clusterSnapshot?.movedFollowed ?? 0
            _ = try await client.pipeline(keys.map { [bytes("INCR"), bytes("\($0):n")] })
            #expect(client.clusterSnapshot?.movedFollowed == moved, "no redirection once the map is fresh")
        } catch {
            Issue.record(error)
        }
        try await TestCluster.reshard(from: target, to: source, count: moving.count)
        #expect(try await TestCluster.master(ofSlot: moving[0]) == source)
        _ = try await client.deleteKeys(matching: prefix + "*")
    }

    /// A slot half migrated (the target importing, the source migrating, one of its keys
    /// already moved): the source answers ASK for the moved key, and the client asks the target
    /// after ASKING (a command, a script, a transaction, a new key), without changing its map.
    /// A multi-key request on the half-moved slot gets TRYAGAIN, a transient error.
    @Test func askIsFollowedDuringASlotMigration() async throws {
        let masters = try await TestCluster.masters()
        let source = try #require(masters.keys.min { $0.port < $1.port })
        let target = try #require(masters.keys.filter { $0 != source }.min { $0.port < $1.port })
        let slot = try #require(masters[source]?.last)
        let tag = TestCluster.key(inSlot: slot, "")
        let moved = "\(tag)\(prefix)moved", stays = "\(tag)\(prefix)stays", fresh = "\(tag)\(prefix)new"
        let client = try await client()
        defer { client.close() }
        #expect(try await client.execute([.command(["SET", moved, "m"]), .command(["SET", stays, "s"])]) == [.status("OK"), .status("OK")])

        try await TestCluster.beginMigration(slot: slot, from: source, to: target)
        do {
            try await TestCluster.moveKeys([moved], from: source, to: target)
            let script = RedisScript(source: "return redis.call('APPEND', KEYS[1], ARGV[1])")
            let replies = try await client.execute([
                .command(["GET", moved]),
                .command(["GET", stays]),
                .script(script, keys: [bytes(moved)], args: [bytes("+")]),
                .transaction([["APPEND", moved, "!"], ["GET", moved]].map { $0.map { Array($0.utf8) } }),
                .command(["SET", fresh, "n"]),
            ])
            #expect(replies == [.bulk(bytes("m")), .bulk(bytes("s")), .integer(2), .array([.integer(3), .bulk(bytes("m+!"))]), .status("OK")])
            #expect((client.clusterSnapshot?.askFollowed ?? 0) >= 4, "\(String(describing: client.clusterSnapshot?.askFollowed))")
            #expect(client.clusterSnapshot?.master(ofSlot: slot) == source, "ASK does not change the map")
            #expect(try await TestCluster.onNode(target) { c in try c.execute([.command(["ASKING"]), .command(["GET", fresh])])[1] } == .bulk(bytes("n")),
                    "the new key was created on the importing node")

            let split = try await client.execute([.command(["MGET", moved, stays])])[0]
            let error = #expect(throws: RedisServerError.self) { try split.check() }
            #expect(error?.code == "TRYAGAIN" && error?.isTransient == true, "\(split)")
        } catch {
            Issue.record(error)
        }
        try await TestCluster.finishMigration(slot: slot, from: source, to: target)
        #expect(try await client.execute([.command(["MGET", moved, stays])]) == [.array([.bulk(bytes("m+!")), .bulk(bytes("s"))])])
        // Back where it was, the same way.
        try await TestCluster.beginMigration(slot: slot, from: target, to: source)
        try await TestCluster.finishMigration(slot: slot, from: target, to: source)
        #expect(try await TestCluster.master(ofSlot: slot) == source)
        _ = try await client.deleteKeys(matching: prefix + "*")
    }

    /// A master killed -9 while a loop of writes runs, spread over every master. Writes wait
    /// out the failover (connection refused, then CLUSTERDOWN while the cluster has no master
    /// for those slots: all transient, retried with the one retry policy); the replica is
    /// promoted, the client reads the new map and carries on.
    ///
    /// What asynchronous replication can lose: a write the master acknowledged but had not yet
    /// sent to its replica when it died. Only writes acknowledged by the killed master before
    /// the kill can be missing afterwards; every other write must be there. (The stream path's
    /// offsets-last rule recounts such a loss exactly; that is its own test.)
    @Test func aMasterKilledWhileRequestsRunIsFailedOverAndTheClientCarriesOn() async throws {
        try await TestCluster.waitUntilStable()
        let client = try await client()
        defer { client.close() }
        let masters = try await TestCluster.masters()
        let victim = try #require(masters.keys.min { $0.port < $1.port })
        let victimSlot = try #require(masters[victim]?.first)
        let log = WriteLog()
        let keys = (0..<3000).map { "\(prefix){w\($0)}" }
        let retries = RetryPolicy(firstDelay: .milliseconds(20), maxDelay: .milliseconds(500))

        let writer = Task {
            for (i, key) in keys.enumerated() {
                if Task.isCancelled { break }
                // SET of a fixed value: sending it again after an error is harmless.
                let reply = try await retries.run(onRetry: { log.retried($0.error) }) {
                    try await client.command(["SET", key, String(i)]).check()
                }
                #expect(reply == .status("OK"))
                log.acknowledged(i)
                if log.count > 500 && !log.killed { try await Task.sleep(for: .milliseconds(1)) }
            }
        }
        // Some writes done, then the kill, while the writer keeps going.
        while log.count < 500 { try await Task.sleep(for: .milliseconds(10)) }
        try await TestCluster.kill9(victim)
        log.markKill()
        let promoted = try await TestCluster.waitForFailover(ofSlot: victimSlot, awayFrom: victim)
        try await writer.value
        #expect(promoted != victim)
        #expect(log.count == keys.count, "every write was acknowledged in the end")
        let errors = log.errors
        #expect(!errors.isEmpty, "the failover was seen by the writer (and waited out)")
        #expect(errors.allSatisfy { $0.isTransient }, "only transient errors on the way: \(errors.prefix(3))")
        let mapped = try await waitUntil { client.clusterSnapshot?.master(ofSlot: victimSlot) == promoted }
        #expect(mapped, "the client's map names the promoted replica")

        let values = try await client.pipeline(keys.map { [bytes("GET"), bytes($0)] })
        var lost: [Int] = []
        for (i, value) in values.enumerated() where value != .bulk(bytes(String(i))) {
            lost.append(i)
            let slot = RedisHashSlot.of(key: bytes(keys[i]))
            #expect(masters[victim]!.contains(slot) && i < log.acknowledgedBeforeKill,
                    "write \(i) lost, but it was not the killed master's before the kill")
        }
        print("failover: \(victim) killed after \(log.acknowledgedBeforeKill) writes, \(promoted) promoted; \(log.errors.count) transient errors waited out; \(lost.count) acknowledged writes lost to asynchronous replication")

        try await TestCluster.restore()
        _ = try await client.deleteKeys(matching: prefix + "*")
    }

    /// Polls until `condition` holds or ten seconds pass (a guard against hanging, not a
    /// performance check).
    func waitUntil(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}

/// What the failover test's writer saw, shared with the test body.
private final class WriteLog: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var beforeKill: Int?
    private var seen: [any Error] = []

    var count: Int { lock.withLock { done } }
    var killed: Bool { lock.withLock { beforeKill != nil } }
    /// Writes acknowledged when the kill was sent (indices below it).
    var acknowledgedBeforeKill: Int { lock.withLock { beforeKill ?? done } }
    var errors: [any Error] { lock.withLock { seen } }

    func acknowledged(_ index: Int) { lock.withLock { done = index + 1 } }
    func retried(_ error: any Error) { lock.withLock { seen.append(error) } }
    func markKill() { lock.withLock { beforeKill = done } }
}
