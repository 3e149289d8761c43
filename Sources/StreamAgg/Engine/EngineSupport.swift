import Foundation
import KafkaClient

/// The partitions this instance owns, with their claims: written by the rebalance callbacks on
/// the consumer's thread, read by the pipeline's stages between batches.
final class Ownership: @unchecked Sendable {
    private let lock = NSLock()
    private var claims: [Int32: PartitionClaim] = [:] // guarded by lock

    var current: [Int32: PartitionClaim] { lock.withLock { claims } }
    var owned: Set<Int32> { lock.withLock { Set(claims.keys) } }

    func take(_ new: [PartitionClaim]) { lock.withLock { for claim in new { claims[claim.keys.partition] = claim } } }
    func release(_ partitions: [Int32]) { lock.withLock { for p in partitions { claims[p] = nil } } }
}

/// Batches handed to the pipeline and not yet published: a revocation waits until there are
/// none (so the next owner starts from everything this one applied), and so does
/// `--exit-when-idle`. A failed pipeline ends every wait: its batches will never finish.
final class InFlightBatches: @unchecked Sendable {
    private let condition = NSCondition()
    private var count = 0 // guarded by condition
    private var failed = false

    func add() { condition.withLock { count += 1 } }

    func finished() {
        condition.withLock {
            count -= 1
            if count == 0 { condition.broadcast() }
        }
    }

    func fail() {
        condition.withLock {
            failed = true
            condition.broadcast()
        }
    }

    var isEmpty: Bool { condition.withLock { count == 0 } }

    /// Blocks the calling thread (the consumer's, in a rebalance callback) until no batch is in
    /// flight or the pipeline failed.
    func waitUntilEmpty() {
        condition.lock()
        while count > 0 && !failed { condition.wait() }
        condition.unlock()
    }
}

/// The last batch whose commit landed in Redis, for the fold stage's caches.
final class CommittedBatch: @unchecked Sendable {
    private let lock = NSLock()
    private var sequence = 0 // guarded by lock

    var value: Int { lock.withLock { sequence } }
    func set(_ value: Int) { lock.withLock { sequence = value } }
}

/// Why an engine run ended so that a new one (a new group membership, partitions claimed again
/// from what Redis holds) must start.
enum EngineReset: Error, CustomStringConvertible {
    /// Another instance claimed the partition: this one was frozen or cut off past its session.
    case fenced(partition: Int32, storedEpoch: String, ownEpoch: Int64)
    /// The stored offsets are not where this owner left them: Redis lost its last writes.
    case moved(partition: Int32, stored: String)

    var reason: String {
        switch self {
        case .fenced: "fenced"
        case .moved: "redis_lost_writes"
        }
    }

    var description: String {
        switch self {
        case .fenced(let p, let stored, let own):
            "stream: partition \(p) was claimed by another instance (epoch \(stored), ours \(own)); rejoining the group"
        case .moved(let p, let stored):
            "stream: partition \(p)'s stored offsets (\(stored)) are not where this instance left them (Redis lost writes?); reloading from Redis"
        }
    }
}

/// Configuration errors the stream path cannot run with; one line each.
enum StreamSetupError: Error, CustomStringConvertible {
    case notCoPartitioned(contacts: String, contactsPartitions: Int, events: String, eventsPartitions: Int)
    case brokenPairs(contacts: String, events: String, contactsOwned: [Int32], eventsOwned: [Int32])
    case storeBuiltForOtherPartitions(prefix: String, stored: Int, topics: Int)
    case previousEngineStore(prefix: String)
    case otherLayout(prefix: String, found: String)

    var description: String {
        switch self {
        case .notCoPartitioned(let c, let cn, let e, let en):
            "stream: input topics are not co-partitioned: \(c) has \(cn) partitions, \(e) has \(en); both need the same count (and the same key partitioner)"
        case .brokenPairs(let c, let e, let co, let eo):
            "stream: assigned partitions \(co) of \(c) but \(eo) of \(e); an instance must own partition p of both (partition.assignment.strategy=range)"
        case .storeBuiltForOtherPartitions(let prefix, let stored, let topics):
            "stream: the stream store under prefix \"\(prefix)\" was built for \(stored) input partitions, the topics now have \(topics); rebuild it with `bridge stream reset --yes` (docs/operations.md)"
        case .previousEngineStore(let prefix):
            "stream: the stream store under prefix \"\(prefix)\" was written by the previous stream engine; rebuild it with `bridge stream reset --yes` (docs/operations.md)"
        case .otherLayout(let prefix, let found):
            "stream: the stream store under prefix \"\(prefix)\" has layout \(found), this bridge reads layout \(LayoutField.currentVersion); run the bridge version that wrote it, or rebuild it with `bridge stream reset --yes` (docs/operations.md)"
        }
    }
}
