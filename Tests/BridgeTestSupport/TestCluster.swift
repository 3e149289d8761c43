import Foundation
import RedisClient
import ServiceSupport

/// The Redis Cluster that `scripts/services up` starts for the tests (three masters and their
/// replicas on 127.0.0.1:17000-17005; BRIDGE_CLUSTER_PORT moves them), and what tests do to it
/// behind the client's back: ask one node directly, kill a master -9 and wait for its replica
/// to take over, move slots, bring every node back.
///
/// Which node is a master changes as tests fail nodes over and move slots, so nothing here
/// assumes a layout: every question is asked of the cluster. Tests that change the topology
/// take `ClusterTopologyLock` so that they do not pull nodes from under each other.
package enum TestCluster {
    package static let firstPort = Int(ProcessInfo.processInfo.environment["BRIDGE_CLUSTER_PORT"] ?? "") ?? 17000
    package static let nodes = (0..<6).map { RedisEndpoint(host: "127.0.0.1", port: firstPort + $0) }
    /// Three seeds, as an operator would give them.
    package static let url = "redis://" + nodes.prefix(3).map(\.description).joined(separator: ",")

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: - Asking nodes directly

    /// Runs `body` with a plain connection to one node (not routed: a node that does not own
    /// a key answers MOVED), on a short-lived thread of its own.
    package static func onNode<T: Sendable>(_ node: RedisEndpoint, _ body: @escaping @Sendable (RedisConnection) throws -> T) async throws -> T {
        try await onOwnThread("test-cluster-\(node.port)") {
            let configuration = try RedisConfiguration(url: "redis://\(node)/0", timeoutSeconds: 2, reconnectAttempts: 0)
            let connection = try RedisConnection(configuration: configuration, endpoint: node)
            defer { connection.close() }
            return try body(connection)
        }
    }

    /// `CLUSTER SLOTS` as the first node that answers sees it: each master with its ranges.
    package static func slotRanges() async throws -> [(slots: ClosedRange<Int>, master: RedisEndpoint)] {
        var lastError: (any Error)?
        for node in nodes {
            do {
                let reply = try await onNode(node) { try $0.command(["CLUSTER", "SLOTS"]).check() }
                return try (reply.array ?? []).map { range in
                    guard let parts = range.array, parts.count >= 3, let start = parts[0].int, let end = parts[1].int,
                          let master = parts[2].array, master.count >= 2, let host = master[0].string, let port = master[1].int else {
                        throw TestClusterError("unexpected CLUSTER SLOTS entry \(range)")
                    }
                    return (Int(start)...Int(end), RedisEndpoint(host: host.isEmpty ? node.host : host, port: Int(port)))
                }
            } catch { lastError = error }
        }
        throw lastError ?? TestClusterError("no cluster node answered")
    }

    package static func master(ofSlot slot: Int) async throws -> RedisEndpoint? {
        try await slotRanges().first { $0.slots.contains(slot) }?.master
    }

    /// Every master, each with its slots in ascending order.
    package static func masters() async throws -> [RedisEndpoint: [Int]] {
        var slots: [RedisEndpoint: [Int]] = [:]
        for (range, master) in try await slotRanges() { slots[master, default: []] += Array(range) }
        return slots.mapValues { $0.sorted() }
    }

    package static func nodeID(_ node: RedisEndpoint) async throws -> String {
        try await onNode(node) { try $0.command(["CLUSTER", "MYID"]).check().string ?? "" }
    }

    /// A key whose hash tag puts it in `slot` (found by trying tags in turn; every slot has one
    /// within a few tens of thousands of tries).
    package static func key(inSlot slot: Int, _ name: String) -> String {
        var i = 0
        while RedisHashSlot.of(key: Array("\(i)".utf8)) != slot { i += 1 }
        return "{\(i)}\(name)"
    }

    // MARK: - Faults and moves

    /// SIGKILL to a node's process (found with INFO server): no shutdown, no last fsync.
    package static func kill9(_ node: RedisEndpoint) async throws {
        let info = try await onNode(node) { try $0.command(["INFO", "server"]).check().string ?? "" }
        guard let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("process_id:") }),
              let pid = Int32(line.dropFirst("process_id:".count)) else {
            throw TestClusterError("no process_id in INFO server of \(node)")
        }
        guard kill(pid, SIGKILL) == 0 else { throw TestClusterError("kill -9 \(pid) failed: errno \(errno)") }
    }

    /// Waits until another node serves `slot` (the replica promoted) and the cluster reports
    /// itself whole again. Returns the new master.
    package static func waitForFailover(ofSlot slot: Int, awayFrom old: RedisEndpoint, seconds: Int = 60) async throws -> RedisEndpoint {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let owner = try? await master(ofSlot: slot), owner != old,
               (try? await onNode(owner, { try $0.command(["CLUSTER", "INFO"]).string ?? "" }))?.contains("cluster_state:ok") == true {
                return owner
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestClusterError("slot \(slot) still not served by another master than \(old) after \(seconds) s")
    }

    /// Starts whatever node is down, with the project's own script (a node killed earlier
    /// rejoins, as a replica if it was failed over), and waits until the cluster is stable.
    package static func restore() async throws {
        try await run(packageRoot.appendingPathComponent("scripts/services").path, ["up", "cluster"])
        try await waitUntilStable()
    }

    /// Waits until every node answers, says cluster_state:ok and gives the same slot map (a
    /// reshard or a failover reaches the nodes not involved by gossip, a moment later), and
    /// every master has a replica online and caught up. A test that kills a master starts from
    /// here; otherwise it would measure a replica still copying its master, not the failover.
    package static func waitUntilStable(seconds: Int = 60) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var problem = ""
        while ContinuousClock.now < deadline {
            problem = await instability() ?? ""
            if problem.isEmpty { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestClusterError("the cluster is not stable after \(seconds) s: \(problem)")
    }

    /// What keeps the cluster from being stable, or nil.
    private static func instability() async -> String? {
        var views: [String: [RedisEndpoint]] = [:]
        for node in nodes {
            let answer = try? await onNode(node) { connection -> (info: String, slots: RedisReply, replication: String) in
                (try connection.command(["CLUSTER", "INFO"]).check().string ?? "",
                 try connection.command(["CLUSTER", "SLOTS"]).check(),
                 try connection.command(["INFO", "replication"]).check().string ?? "")
            }
            guard let answer else { return "\(node) does not answer" }
            guard answer.info.contains("cluster_state:ok") else { return "\(node) is not cluster_state:ok" }
            let view = (answer.slots.array ?? []).map { range in
                "\(range.array?[0].int ?? -1)-\(range.array?[1].int ?? -1)@\(range.array?[2].array?[1].int ?? -1)"
            }.sorted().joined(separator: ",")
            views[view, default: []].append(node)
            if answer.replication.contains("role:master") && answer.replication.contains("connected_slaves:") {
                let lines = answer.replication.split(whereSeparator: \.isNewline)
                let offset = lines.first { $0.hasPrefix("master_repl_offset:") }?.split(separator: ":").last.map(String.init)
                let online = lines.filter { $0.hasPrefix("slave") && $0.contains("state=online") && $0.contains("offset=\(offset ?? "?"),") }
                if lines.contains("connected_slaves:0") || online.isEmpty { return "\(node) has no replica online and caught up" }
            }
        }
        return views.count == 1 ? nil : "the nodes disagree about the slots: \(views.values.map { $0.map(\.description) })"
    }

    /// `redis-cli --cluster reshard`: moves `count` slots (the source's lowest) with their keys.
    package static func reshard(from source: RedisEndpoint, to target: RedisEndpoint, count: Int) async throws {
        let from = try await nodeID(source)
        let to = try await nodeID(target)
        try await run("/usr/bin/env", ["redis-cli", "--cluster", "reshard", source.description,
                                       "--cluster-from", from, "--cluster-to", to, "--cluster-slots", String(count),
                                       "--cluster-yes", "--cluster-pipeline", "1000"])
        try await waitUntilStable()
    }

    /// The first half of moving one slot by hand, as `reshard` does it: `target` importing,
    /// `source` migrating. Keys then move one by one with `moveKeys`, and a key already moved
    /// is answered on `source` with ASK.
    package static func beginMigration(slot: Int, from source: RedisEndpoint, to target: RedisEndpoint) async throws {
        let sourceID = try await nodeID(source)
        let targetID = try await nodeID(target)
        try await onNode(target) { _ = try $0.command(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", sourceID]).check() }
        try await onNode(source) { _ = try $0.command(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", targetID]).check() }
    }

    package static func moveKeys(_ keys: [String], from source: RedisEndpoint, to target: RedisEndpoint) async throws {
        try await onNode(source) {
            _ = try $0.command(["MIGRATE", target.host, String(target.port), "", "0", "5000", "KEYS"] + keys).check()
        }
    }

    /// Moves the slot's remaining keys and gives the slot to `target` on every master.
    package static func finishMigration(slot: Int, from source: RedisEndpoint, to target: RedisEndpoint) async throws {
        while true {
            let keys = try await onNode(source) {
                try $0.command(["CLUSTER", "GETKEYSINSLOT", String(slot), "100"]).check().array?.compactMap(\.string) ?? []
            }
            if keys.isEmpty { break }
            try await moveKeys(keys, from: source, to: target)
        }
        let targetID = try await nodeID(target)
        for node in [target, source] + (try await masters().keys.filter { $0 != target && $0 != source }) {
            try await onNode(node) { _ = try $0.command(["CLUSTER", "SETSLOT", String(slot), "NODE", targetID]).check() }
        }
        try await waitUntilStable()
    }

    private static func run(_ executable: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("test-cluster-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        try handle.close()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self)
            throw TestClusterError("\(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text.suffix(1500))")
        }
    }
}

/// Something the test harness could not do to the cluster.
package struct TestClusterError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
