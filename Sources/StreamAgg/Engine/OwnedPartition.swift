import BridgeModel

/// One input partition pair this instance owns, as the fold stage sees it: where it stands
/// (ahead of Redis while folded batches wait for their commit), a bounded cache of its rows and
/// campus-day shares, its digest bucket sums, and the seen members added by batches not yet
/// committed. Only the fold stage touches it: this instance is the partition's only writer, so
/// what it folded is what Redis will hold once the commits land.
///
/// Bounded memory: at most `cacheLimit` rows and as many campus-day shares are kept; past that,
/// entries whose last change is committed are dropped (any of them: a dropped row costs one
/// field of the next batch's HMGET). Entries a batch in flight changed are never dropped, since
/// Redis does not have them yet. Everything is dropped when the partition is revoked or the
/// engine restarts.
final class OwnedPartition {
    /// A cached value and the batch that last changed it (0: as read from Redis).
    struct Cached<Value> {
        var value: Value
        var batch: Int
    }

    let keys: PartitionKeys
    let epoch: Int64
    /// The next offsets after the last batch folded (the commits bring Redis there in order).
    var next: NextOffsets
    var rows: [ByteKey: Cached<StoredAggregate?>] = [:]
    var days: [CampusDayKey: Cached<CampusDayPartial>] = [:]
    /// The digest sums of this partition's contacts per bucket, as folded.
    var sums: BucketSums
    /// Seen members added by each folded batch whose commit has not landed yet.
    var pendingMembers: [(batch: Int, members: Set<SeenMember>)] = []
    let cacheLimit: Int

    init(claim: PartitionClaim, cacheLimit: Int) {
        keys = claim.keys
        epoch = claim.epoch
        next = claim.next
        sums = claim.sums
        self.cacheLimit = max(1, cacheLimit)
    }

    var number: Int32 { keys.partition }

    /// Called before each batch with the last batch whose commit has landed.
    func forgetCommitted(through committed: Int) {
        pendingMembers.removeAll { $0.batch <= committed }
        if rows.count > cacheLimit { Self.evict(&rows, committed: committed, limit: cacheLimit) }
        if days.count > cacheLimit { Self.evict(&days, committed: committed, limit: cacheLimit) }
    }

    func isPending(_ member: SeenMember) -> Bool {
        pendingMembers.contains { $0.members.contains(member) }
    }

    /// Drops committed entries until the cache is a tenth below its limit (so eviction runs once
    /// per many batches, not on every one).
    private static func evict<K, V>(_ cache: inout [K: Cached<V>], committed: Int, limit: Int) {
        let target = limit - limit / 10
        var victims: [K] = []
        victims.reserveCapacity(cache.count - target)
        for (key, entry) in cache where entry.batch <= committed {
            victims.append(key)
            if cache.count - victims.count <= target { break }
        }
        for key in victims { cache[key] = nil }
    }
}

/// What claiming a partition in Redis returned: the owner's epoch and where it stands.
struct PartitionClaim: Sendable {
    var keys: PartitionKeys
    var epoch: Int64
    var next: NextOffsets
    var sums: BucketSums
    /// Outbox entries left by a previous owner (committed, not confirmed published).
    var outbox: [(batchId: String, entry: OutboxEntry)]
}
