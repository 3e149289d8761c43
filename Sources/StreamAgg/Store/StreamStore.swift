import BridgeModel
import BridgeSupport
import KafkaClient
import RedisClient

/// Reads what the stream path keeps in Redis, for everything but the stream path itself: the
/// export, the shadow comparator, the serving router, monitoring. Nothing here writes.
///
/// Each partition's keys are consistent with its own offsets at any instant (one atomic commit
/// per batch), so a read that must describe known offsets either reads a partition in one
/// transaction or reads its offsets before and after.
package struct StreamStore: Sendable {
    let redis: RedisClient
    package let keyspace: StreamKeyspace
    let topics: TopicNames
    /// HSCAN's COUNT: rows per step of a walk.
    let chunk: Int

    /// `prefix` is the configured topic prefix, which is also the Redis key prefix.
    package init(redis: RedisClient, prefix: String, chunk: Int = 2000) {
        self.redis = redis
        self.keyspace = StreamKeyspace(prefix: prefix)
        self.topics = TopicNames(prefix: prefix)
        self.chunk = chunk
    }

    /// The input partitions the store was built for; 0 for an empty store.
    package func partitionCount() async throws -> Int {
        Int(try await redis.execute([.command(["HGET", keyspace.layout, LayoutField.partitions])])[0].check().int ?? 0)
    }

    package func partitions() async throws -> [Int32] {
        (0..<Int32(try await partitionCount())).map { $0 }
    }

    /// The next offset to read per input partition (absent: nothing applied of it).
    package func appliedOffsets() async throws -> [TopicPartition: Int64] {
        let partitions = try await partitions()
        if partitions.isEmpty { return [:] }
        let replies = try await redis.execute(partitions.map { .command(nextOffsetsCommand(keyspace.partition($0))) })
        var out: [TopicPartition: Int64] = [:]
        for (p, reply) in zip(partitions, replies) {
            guard let values = try reply.check().array, values.count == 2 else { throw StreamError.unexpectedReply("offsets of partition \(p)", reply) }
            out.merge(offsets(of: p, from: values)) { $1 }
        }
        return out
    }

    // MARK: - Rows

    /// Every contact row, ordered by contact_id byte-wise.
    package func contactSummaries() async throws -> [ContactSummaryRow] {
        try await contacts().map(\.row)
    }

    /// Every contact row with its partition, ordered by contact_id byte-wise.
    package func contacts() async throws -> [StreamContact] {
        try await contacts { _ in true }
    }

    /// Every campus-day row (the sum of the partitions' shares), ordered by campus byte-wise, then day.
    package func campusDaily() async throws -> [CampusDailyRow] {
        var totals: [CampusDayKey: CampusDayPartial] = [:]
        for p in try await partitions() {
            try await walk(keyspace.partition(p).days) { field, value in
                let text = String(decoding: field, as: UTF8.self)
                guard let key = CampusDayKey(kafkaKey: text), let share = CampusDayPartial(decoding: value) else {
                    throw StreamError.corruptState(keyspace.partition(p).days, "share", text)
                }
                totals[key, default: CampusDayPartial()] = totals[key, default: CampusDayPartial()] + share
            }
        }
        return totals.keys.sorted().map { totals[$0]!.row($0) }
    }

    /// One contact's stored row and its partition (nil when no partition holds it): each
    /// partition is asked, since which partition a key maps to is the producers' partitioner's
    /// business.
    package func contact(_ contactId: String) async throws -> StreamContact? {
        let partitions = try await partitions()
        let replies = try await redis.execute(partitions.map { .command(["HGET", keyspace.partition($0).rows, contactId]) })
        for (p, reply) in zip(partitions, replies) {
            if case .bulk(let bytes) = try reply.check() {
                let stored = try storedRow(contactId, bytes)
                return StreamContact(row: stored.aggregate.row(contactId: contactId), partition: p)
            }
        }
        return nil
    }

    /// One contact's row with every partition's offsets, each partition read in one
    /// transaction: a partition's answer (the row or its absence) reflects exactly its offsets.
    /// The row's partition pair is named; none when no partition holds it.
    package func contactAtOffsets(_ contactId: String) async throws -> StoredKey<ContactSummaryRow> {
        var found: StoredKey<ContactSummaryRow> = StoredKey(row: nil, partitions: [], appliedOffsets: [:])
        for (p, offsets, value) in try await partitionsAtomically(readingFrom: { $0.rows }, field: contactId) {
            found.appliedOffsets.merge(offsets) { $1 }
            guard let bytes = value else { continue }
            let stored = try storedRow(contactId, bytes)
            found.row = stored.aggregate.row(contactId: contactId)
            found.partitions = [TopicPartition(topics.contacts, p), TopicPartition(topics.messageEvents, p)]
        }
        return found
    }

    /// One campus-day's row (the sum of the partitions' shares; nil when none has a share) with
    /// every partition's offsets, each partition's share and offsets read in one transaction.
    package func campusDayAtOffsets(_ key: CampusDayKey) async throws -> StoredKey<CampusDailyRow> {
        var total: CampusDayPartial?
        var offsets: [TopicPartition: Int64] = [:]
        for (p, applied, value) in try await partitionsAtomically(readingFrom: { $0.days }, field: key.kafkaKey) {
            offsets.merge(applied) { $1 }
            guard let bytes = value else { continue }
            guard let share = CampusDayPartial(decoding: bytes) else { throw StreamError.corruptState(keyspace.partition(p).days, "share", key.kafkaKey) }
            total = (total ?? CampusDayPartial()) + share
        }
        return StoredKey(row: total.map { $0.row(key) }, partitions: [], appliedOffsets: offsets)
    }

    /// Per partition, in one transaction each (one round trip for all): its applied offsets and
    /// one field of one of its hashes.
    private func partitionsAtomically(readingFrom hash: (PartitionKeys) -> String, field: String) async throws
        -> [(partition: Int32, offsets: [TopicPartition: Int64], value: [UInt8]?)] {
        let partitions = try await partitions()
        let replies = try await redis.execute(partitions.map { p in
            let keys = keyspace.partition(p)
            return .transaction([nextOffsetsCommand(keys), ["HGET", hash(keys), field]].map { $0.map { Array($0.utf8) } })
        })
        return try zip(partitions, replies).map { p, reply in
            guard let parts = try reply.check().array, parts.count == 2, let next = try parts[0].check().array, next.count == 2 else {
                throw StreamError.unexpectedReply("a key of partition \(p)", reply)
            }
            let value: [UInt8]? = if case .bulk(let bytes) = try parts[1].check() { bytes } else { nil }
            return (p, offsets(of: p, from: next), value)
        }
    }

    // MARK: - Digests

    /// Each partition's offsets, digest bucket sums and campus-day shares, read in one
    /// transaction per partition: the sums describe exactly those offsets.
    package func digests() async throws -> [PartitionDigest] {
        let partitions = try await partitions()
        let replies = try await redis.execute(partitions.map { p in
            let keys = keyspace.partition(p)
            return .transaction([
                nextOffsetsCommand(keys),
                ["GET", keys.sums],
                ["HGETALL", keys.days],
            ].map { $0.map { Array($0.utf8) } })
        })
        return try zip(partitions, replies).map { p, reply in
            guard let parts = try reply.check().array, parts.count == 3, let next = try parts[0].check().array, next.count == 2,
                  let days = try parts[2].check().array else {
                throw StreamError.unexpectedReply("digests of partition \(p)", reply)
            }
            var digest = PartitionDigest(partition: p, appliedOffsets: offsets(of: p, from: next), bucketSums: [:], campusDayShares: [:])
            let stored: [UInt8] = if case .bulk(let bytes) = try parts[1].check() { bytes } else { [] }
            guard let sums = BucketSums(decoding: stored) else { throw StreamError.corruptState(keyspace.partition(p).sums, "sums", "\(stored.count) bytes") }
            digest.bucketSums = sums.nonZero
            for i in stride(from: 0, to: days.count - 1, by: 2) {
                guard case .bulk(let name) = days[i], case .bulk(let bytes) = days[i + 1],
                      let key = CampusDayKey(kafkaKey: String(decoding: name, as: UTF8.self)), let share = CampusDayPartial(decoding: bytes) else {
                    throw StreamError.unexpectedReply("campus-day shares of partition \(p)", reply)
                }
                digest.campusDayShares[key] = share
            }
            return digest
        }
    }

    /// Bucket sums recomputed from the stored rows of one partition (a verifying round): a row
    /// changed behind the engine's back changes its bucket here but not in the maintained sums.
    package func recomputedSums(partition p: Int32) async throws -> [Int: Int64] {
        var sums: [Int: Int64] = [:]
        try await walk(keyspace.partition(p).rows) { field, value in
            let id = String(decoding: field, as: UTF8.self)
            let stored = try storedRow(id, value)
            let digest = ContactDigest.digest(of: stored.aggregate.row(contactId: id))
            sums[ContactDigest.bucket(of: id), default: 0] &+= Int64(bitPattern: digest)
        }
        return sums
    }

    /// The rows of the given buckets, ordered by contact_id byte-wise.
    package func contacts(inBuckets buckets: Set<Int>) async throws -> [StreamContact] {
        if buckets.isEmpty { return [] }
        return try await contacts { buckets.contains($0.bucket) }
    }

    /// The rows `included` keeps, with their partitions, ordered by contact_id byte-wise.
    private func contacts(where included: (StoredAggregate) -> Bool) async throws -> [StreamContact] {
        var out: [StreamContact] = []
        for p in try await partitions() {
            try await walk(keyspace.partition(p).rows) { field, value in
                let id = String(decoding: field, as: UTF8.self)
                let stored = try storedRow(id, value)
                if included(stored) { out.append(StreamContact(row: stored.aggregate.row(contactId: id), partition: p)) }
            }
        }
        out.sort { ByteString.less($0.row.contactId, $1.row.contactId) }
        return out
    }

    // MARK: - Pages, for callers that must not hold the whole store

    /// Where a paged walk stands: a partition and an HSCAN cursor in it.
    package struct PageCursor: Sendable, Equatable {
        var partition: Int32
        var cursor: String
        package static let start = PageCursor(partition: 0, cursor: "0")
    }

    /// One HSCAN step of the walk over every partition's rows; `next` is nil once it is done.
    /// HSCAN may return a row twice, so callers must tolerate repeats.
    package func page(_ at: PageCursor) async throws -> (rows: [ContactSummaryRow], next: PageCursor?) {
        let count = try await partitionCount()
        if at.partition >= count { return ([], nil) }
        var rows: [ContactSummaryRow] = []
        let next = try await scanStep(keyspace.partition(at.partition).rows, cursor: at.cursor) { field, value in
            let id = String(decoding: field, as: UTF8.self)
            let stored = try storedRow(id, value)
            rows.append(stored.aggregate.row(contactId: id))
        }
        if next != "0" { return (rows, PageCursor(partition: at.partition, cursor: next)) }
        return (rows, at.partition + 1 < count ? PageCursor(partition: at.partition + 1, cursor: "0") : nil)
    }

    // MARK: - Reading stored values

    /// A partition's applied offsets, as its meta hash holds them.
    private func nextOffsetsCommand(_ keys: PartitionKeys) -> [String] {
        ["HMGET", keys.meta, MetaField.next(.contacts), MetaField.next(.messageEvents)]
    }

    /// The reply of `nextOffsetsCommand` (two values, absent ones nil) as topic partitions.
    private func offsets(of p: Int32, from next: [RedisReply]) -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        if let n = next[0].int { offsets[TopicPartition(topics.contacts, p)] = n }
        if let n = next[1].int { offsets[TopicPartition(topics.messageEvents, p)] = n }
        return offsets
    }

    /// A stored contact row, or the error naming the contact when its bytes do not decode.
    private func storedRow(_ contactId: String, _ bytes: [UInt8]) throws -> StoredAggregate {
        guard let stored = StoredAggregate.decode(bytes) else { throw StreamError.corruptState(contactId, "row", "\(bytes.count) bytes") }
        return stored
    }

    // MARK: - Walking a hash

    /// Every field of a hash once, HSCAN step by step. HSCAN may return a field twice; visiting
    /// it twice would count a row twice in recomputed sums and list it twice in exports.
    private func walk(_ hash: String, _ visit: ([UInt8], [UInt8]) throws -> Void) async throws {
        var cursor = "0"
        var seen: Set<[UInt8]> = []
        repeat {
            cursor = try await scanStep(hash, cursor: cursor) { field, value in
                if seen.insert(field).inserted { try visit(field, value) }
            }
        } while cursor != "0"
    }

    private func scanStep(_ hash: String, cursor: String, _ visit: ([UInt8], [UInt8]) throws -> Void) async throws -> String {
        let reply = try await redis.execute([.command(["HSCAN", hash, cursor, "COUNT", String(chunk)])])[0]
        guard let parts = try reply.check().array, parts.count == 2, let next = parts[0].string, let items = parts[1].array else {
            throw StreamError.unexpectedReply("HSCAN \(hash)", reply)
        }
        var i = 0
        while i + 1 < items.count {
            guard case .bulk(let field) = items[i], case .bulk(let value) = items[i + 1] else { throw StreamError.unexpectedReply("HSCAN \(hash)", reply) }
            try visit(field, value)
            i += 2
        }
        return next
    }
}

/// A contact row as the stream store holds it, and the input partition pair holding it.
package struct StreamContact: Sendable {
    package var row: ContactSummaryRow
    package var partition: Int32
}

/// One partition's side of a checksummed comparison, read atomically.
package struct PartitionDigest: Sendable {
    package var partition: Int32
    package var appliedOffsets: [TopicPartition: Int64]
    /// Bucket -> sum of digests (buckets summing to 0 left out).
    package var bucketSums: [Int: Int64]
    /// This partition's shares of the campus-day rows.
    var campusDayShares: [CampusDayKey: CampusDayPartial]

    /// The campus-day rows the partitions' shares add up to, ordered by campus byte-wise, then day.
    package static func campusDaily(_ digests: [PartitionDigest]) -> [CampusDailyRow] {
        var totals: [CampusDayKey: CampusDayPartial] = [:]
        for digest in digests {
            for (key, share) in digest.campusDayShares { totals[key, default: CampusDayPartial()] = totals[key, default: CampusDayPartial()] + share }
        }
        return totals.keys.sorted().map { totals[$0]!.row($0) }
    }
}
