import Foundation
import ServiceSupport

/// What `RedisClient` does on a Redis Cluster: routes each request to the master serving its
/// keys' slot, one pipeline per node and all nodes at once, follows MOVED and ASK, and keeps
/// the slot map up to date.
///
/// Threads: each node's connection has a dedicated thread of its own, and the slot map is read
/// on one more (the topology thread), so nothing here blocks Swift's cooperative pool. The map
/// is read again, in the background, after a MOVED (the slot changed hands) and after a
/// connection failure (a master may have died and its replica been promoted); until then
/// redirections keep requests correct, and the failure itself is transient to the caller.
final class RedisCluster: @unchecked Sendable {
    let configuration: RedisConfiguration
    private let name: String
    /// Node connections give up a connect after one retry: a node that cannot be reached is a
    /// topology question (the map is read again and the caller retries), not one to wait on.
    private let nodeConfiguration: RedisConfiguration
    private let topology: ThreadConfined<SlotMapReader>

    // Guarded by `lock`.
    private let lock = NSLock()
    private var map = SlotMap()
    /// Every node talked to so far. Kept until `close`: a request may still hold one, and the
    /// nodes of one cluster are few.
    private var nodes: [RedisEndpoint: ClusterNode] = [:]
    private var refreshQueued = false
    private var closed = false
    private var movedFollowed = 0
    private var askFollowed = 0

    /// Reads the slot map from the seeds (or throws `RedisClusterError.noSlotMap`).
    init(configuration: RedisConfiguration, name: String) async throws {
        self.configuration = configuration
        self.name = name
        var nodeConfiguration = configuration
        nodeConfiguration.reconnectAttempts = min(configuration.reconnectAttempts, 1)
        self.nodeConfiguration = nodeConfiguration
        var readerConfiguration = configuration
        readerConfiguration.reconnectAttempts = 0
        topology = ThreadConfined(name: "\(name)-topology", SlotMapReader(configuration: readerConfiguration))
        let seeds = configuration.seeds
        do {
            map = try await topology.run { try $0.read(candidates: seeds) }
        } catch {
            topology.shutdown { $0.close() }
            throw error
        }
    }

    // MARK: - Requests

    func execute(_ requests: [RedisRequest]) async throws -> [RedisReply] {
        var execution = try ClusterExecution(requests, map: currentMap, address: configuration.address)
        while let round = execution.nextRound() {
            let outcomes = await withCheckedContinuation { continuation in send(round) { continuation.resume(returning: $0) } }
            try absorb(outcomes, of: round, into: &execution)
        }
        return finish(execution)
    }

    /// Same, for a caller on a dedicated thread of its own (a librdkafka callback).
    func executeBlocking(_ requests: [RedisRequest]) throws -> [RedisReply] {
        var execution = try ClusterExecution(requests, map: currentMap, address: configuration.address)
        while let round = execution.nextRound() {
            let answered = DispatchSemaphore(value: 0)
            let outcomes = Handover<[Result<[RedisReply], any Error>]>()
            send(round) { outcomes.value = $0; answered.signal() }
            answered.wait()
            try absorb(outcomes.value!, of: round, into: &execution)
        }
        return finish(execution)
    }

    /// Runs one request on every master (INFO, DBSIZE, SCRIPT FLUSH: about a node, not a key),
    /// in the order of `masters`.
    func onEveryMaster(_ request: RedisRequest) async throws -> [(RedisEndpoint, RedisReply)] {
        let masters = currentMap.masters
        let outcomes = await withCheckedContinuation { continuation in
            send(masters.map { ClusterExecution.NodeBatch(endpoint: $0, requests: [request]) }) { continuation.resume(returning: $0) }
        }
        return try zip(masters, outcomes).map { master, outcome in (master, try failedOver(outcome).get()[0]) }
    }

    /// The masters of the current map, for walking every node's keys.
    var masters: [RedisEndpoint] { currentMap.masters }

    /// One node's connection, for a walk that must stay on that node (SCAN's cursor).
    func node(_ endpoint: RedisEndpoint) -> ClusterNode {
        lock.withLock {
            if let node = nodes[endpoint] { return node }
            let node = ClusterNode(endpoint: endpoint, configuration: nodeConfiguration, name: name)
            nodes[endpoint] = node
            return node
        }
    }

    var snapshot: RedisClusterSnapshot {
        lock.withLock { RedisClusterSnapshot(map: map, movedFollowed: movedFollowed, askFollowed: askFollowed) }
    }

    /// Ends every node's thread and the topology thread, after their queued work.
    func close() {
        let all: [ClusterNode] = lock.withLock {
            closed = true
            return Array(nodes.values)
        }
        for node in all { node.close() }
        topology.shutdown { $0.close() }
    }

    // MARK: - Rounds

    private var currentMap: SlotMap { lock.withLock { map } }

    /// Sends each batch to its node at once and calls `done` once, with every batch's outcome
    /// in batch order, when the last one has it (on that node's thread).
    private func send(_ batches: [ClusterExecution.NodeBatch], done: @escaping @Sendable ([Result<[RedisReply], any Error>]) -> Void) {
        let collector = RoundCollector(count: batches.count, done: done)
        for (index, batch) in batches.enumerated() {
            node(batch.endpoint).submit(batch.requests) { collector.record(index, $0) }
        }
    }

    /// Feeds a round's replies to the execution. A node whose connection failed fails the whole
    /// execute (the requests sent to other nodes may have run: callers retry whole steps that
    /// are safe to repeat), and has the map read again.
    private func absorb(_ outcomes: [Result<[RedisReply], any Error>], of round: [ClusterExecution.NodeBatch],
                        into execution: inout ClusterExecution) throws {
        var failure: (any Error)?
        for (batch, outcome) in zip(round, outcomes) {
            switch failedOver(outcome) {
            case .success(let replies): execution.received(replies, from: batch.endpoint)
            case .failure(let error): failure = failure ?? error
            }
        }
        if let failure { throw failure }
    }

    /// A node that cannot be reached may have failed over: have the map read again.
    private func failedOver(_ outcome: Result<[RedisReply], any Error>) -> Result<[RedisReply], any Error> {
        if case .failure(let error) = outcome, error.isTransient { refreshSoon() }
        return outcome
    }

    private func finish(_ execution: ClusterExecution) -> [RedisReply] {
        if execution.moved > 0 || execution.asked > 0 {
            lock.withLock {
                movedFollowed += execution.moved
                askFollowed += execution.asked
            }
        }
        if execution.moved > 0 { refreshSoon() }
        return execution.result
    }

    // MARK: - Slot map

    /// Queues one read of the map on the topology thread, unless one is queued already. The
    /// candidates are the masters and replicas of the current map, then the seeds.
    private func refreshSoon() {
        lock.withLock {
            guard !refreshQueued && !closed else { return }
            refreshQueued = true
            let candidates = map.masters + map.replicas + configuration.seeds
            // Queued under the lock, so that `close` cannot end the thread in between.
            topology.submit { [self] reader in
                let fresh = try? reader.read(candidates: candidates)
                lock.withLock {
                    if let fresh { map = fresh }
                    refreshQueued = false
                }
            }
        }
    }
}

/// Collects the outcomes of one round's batches, which arrive on the nodes' threads, and hands
/// them over once the last has arrived.
private final class RoundCollector: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var outcomes: [Result<[RedisReply], any Error>?]
    private var missing: Int
    private let done: @Sendable ([Result<[RedisReply], any Error>]) -> Void

    init(count: Int, done: @escaping @Sendable ([Result<[RedisReply], any Error>]) -> Void) {
        outcomes = Array(repeating: nil, count: count)
        missing = count
        self.done = done
        if count == 0 { done([]) }
    }

    func record(_ index: Int, _ outcome: Result<[RedisReply], any Error>) {
        let complete: [Result<[RedisReply], any Error>]? = lock.withLock {
            outcomes[index] = outcome
            missing -= 1
            return missing == 0 ? outcomes.map { $0! } : nil
        }
        if let complete { done(complete) }
    }
}

/// A value written on one thread before a semaphore is signalled, read on another after the
/// wait: the semaphore orders the two.
private final class Handover<Value>: @unchecked Sendable {
    var value: Value?
}

/// What a cluster client knows right now: the masters of its slot map and the redirections it
/// followed since it started. For status pages and tests.
package struct RedisClusterSnapshot: Sendable {
    let map: SlotMap
    package let movedFollowed: Int
    package let askFollowed: Int

    package var masters: [RedisEndpoint] { map.masters }
    /// Slots some master serves in the client's map (16384 when the cluster is whole).
    package var servedSlots: Int { map.servedSlots }

    package func master(ofSlot slot: Int) -> RedisEndpoint? { map.master(of: slot) }
}
