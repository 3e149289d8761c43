import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import Logging
import RedisClient

/// The steps of the stream path that touch Redis and the output topics, for the partitions this
/// instance owns: claiming partitions, committing folded batches, publishing their rows, and
/// reading back what is stored when a publish must be repeated. The engine's pipeline calls
/// them stage by stage; `StreamBatchDriver` calls them in a row.
final class StreamWorker: @unchecked Sendable {
    let topics: TopicNames
    let keyspace: StreamKeyspace
    let clients: EngineClients
    let metrics: StreamEngineMetrics
    let logger: Logger
    let ownership = Ownership()
    let committed = CommittedBatch()
    let partitionCount: Int
    private let deadLetters: DeadLetterPublisher

    init(configuration: BridgeConfiguration, clients: EngineClients, partitionCount: Int, metrics: StreamEngineMetrics, logger: Logger) {
        self.topics = configuration.topics
        self.keyspace = StreamKeyspace(prefix: configuration.topicPrefix)
        self.clients = clients
        self.partitionCount = partitionCount
        self.metrics = metrics
        self.logger = logger
        self.deadLetters = DeadLetterPublisher(producer: clients.producer, topic: configuration.topics.deadLetter, path: "stream")
    }

    func makeFolder() -> BatchFolder { BatchFolder(topics: topics, redis: clients.read, logger: logger) }

    // MARK: - Claims

    /// Claims newly assigned partitions in Redis (each must come with its pair) and answers
    /// where each input partition starts. A previous owner's unconfirmed outputs (its outbox)
    /// are published again first.
    func claim(_ assigned: [TopicPartition]) async throws -> [TopicPartition: Int64] {
        let contacts = assigned.filter { $0.topic == topics.contacts }.map(\.partition).sorted()
        let events = assigned.filter { $0.topic == topics.messageEvents }.map(\.partition).sorted()
        guard contacts == events else {
            throw StreamSetupError.brokenPairs(contacts: topics.contacts, events: topics.messageEvents, contactsOwned: contacts, eventsOwned: events)
        }
        if contacts.isEmpty { return [:] }
        try await checkLayout()
        let replies = try await clients.control.execute(contacts.map { p in
            let keys = keyspace.partition(p)
            return .script(PartitionScripts.claim, keys: [keys.meta, keys.sums, keys.outbox].map { Array($0.utf8) }, args: [])
        })
        let claims = try zip(contacts, replies).map { try PartitionClaim(reply: $1, keys: keyspace.partition($0)) }
        metrics.claims.increment(by: claims.count)

        for claim in claims where !claim.outbox.isEmpty {
            let entry = OutboxEntry(contacts: claim.outbox.flatMap(\.entry.contacts), days: claim.outbox.flatMap(\.entry.days))
            try await republishCurrent(entry, partition: claim.keys)
            metrics.republishedFromOutbox.increment(by: entry.contacts.count + entry.days.count)
            _ = try await release([(claim.keys, claim.epoch, claim.outbox.map(\.batchId))])
        }
        ownership.take(claims)
        logger.info("stream: claimed partitions \(contacts)", metadata: ["epochs": "\(claims.map(\.epoch))"])
        var starts: [TopicPartition: Int64] = [:]
        for claim in claims {
            for input in InputTopic.allCases {
                starts[TopicPartition(topics.name(of: input), claim.keys.partition)] = claim.next[input] ?? KafkaOffset.beginning
            }
        }
        return starts
    }

    /// The store must be one this engine wrote, for this many partitions.
    private func checkLayout() async throws {
        let replies = try await clients.control.execute([
            .command(["EXISTS", keyspace.previousEngineOffsets]),
            .command(["HSETNX", keyspace.layout, LayoutField.version, LayoutField.currentVersion]),
            .command(["HSETNX", keyspace.layout, LayoutField.partitions, String(partitionCount)]),
            .command(["HMGET", keyspace.layout, LayoutField.version, LayoutField.partitions]),
        ])
        if try replies[0].check().int == 1 { throw StreamSetupError.previousEngineStore(prefix: keyspace.prefix) }
        let layout = try replies[3].check().array ?? []
        guard layout.count == 2, let version = layout[0].string, let stored = layout[1].int else {
            throw StreamError.unexpectedReply("HMGET \(keyspace.layout)", replies[3])
        }
        if version != LayoutField.currentVersion { throw StreamSetupError.otherLayout(prefix: keyspace.prefix, found: version) }
        if stored != Int64(partitionCount) {
            throw StreamSetupError.storeBuiltForOtherPartitions(prefix: keyspace.prefix, stored: Int(stored), topics: partitionCount)
        }
    }

    // MARK: - Commit

    /// Dead letters first (a crash before the commit publishes them again: at least once), then
    /// every partition's commit in one pipelined round trip.
    func commit(_ batch: FoldedBatch) async throws {
        if !batch.deadLetters.isEmpty {
            let deadLetters = self.deadLetters
            try await ServiceOutage.retrying("stream", logger: logger) { try await deadLetters.publish(batch.deadLetters) }
            metrics.deadLetters.increment(by: batch.deadLetters.count)
        }
        if !batch.commits.isEmpty {
            let requests = batch.commits.map(\.request)
            let redis = clients.commit
            // Retrying is safe: a commit that landed answers "applied" the second time.
            let replies = try await ServiceOutage.retrying("stream", logger: logger) { try await redis.execute(requests) }
            for (commit, reply) in zip(batch.commits, replies) {
                switch try PartitionCommit.outcome(reply) {
                case .committed: break
                case .fenced(let stored): throw EngineReset.fenced(partition: commit.keys.partition, storedEpoch: stored, ownEpoch: commit.epoch)
                case .moved(let stored): throw EngineReset.moved(partition: commit.keys.partition, stored: stored)
                }
            }
        }
        committed.set(batch.sequence)
    }

    // MARK: - Publish

    /// Publishes the batch's changed rows (campus-days summed over every partition), waits for
    /// the acknowledgements, then forgets the batch's outbox entries.
    func publish(_ batch: FoldedBatch) async throws {
        let foreign = Set(0..<Int32(partitionCount)).subtracting(ownership.owned)
        var days: [CampusDailyRow] = []
        if !batch.ownedDayTotals.isEmpty {
            let keys = Array(batch.ownedDayTotals.keys)
            let shares = try await dayShares(keys, partitions: foreign)
            days = keys.map { (batch.ownedDayTotals[$0]! + (shares[$0] ?? CampusDayPartial())).row($0) }
        }
        try await send(contacts: batch.contactRows, days: days)
        if !foreign.isEmpty && !days.isEmpty {
            try await settle(days: days, fixed: batch.ownedDayTotals, readFrom: foreign)
        }
        let released = try await release(batch.commits)
        if let lost = zip(batch.commits, released).first(where: { !$0.1 })?.0 {
            // Another instance claimed a partition while this one published (this one was frozen
            // past its session): what it just published may be older than what the other wrote
            // since. Publish what Redis holds now for every key of the batch (its days mix all
            // partitions), until that settles, then leave.
            logger.warning("stream: partition \(lost.keys.partition) was claimed by another instance while this one published; publishing the batch's rows again as stored")
            for commit in batch.commits { try await republishCurrent(commit.outbox, partition: commit.keys) }
            throw EngineReset.fenced(partition: lost.keys.partition, storedEpoch: "newer", ownEpoch: lost.epoch)
        }

        metrics.batches.applied(batch.recordCount)
        metrics.applied.increment(by: batch.validRecords - batch.duplicateEvents)
        metrics.duplicates.increment(by: batch.duplicateEvents)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for ts in batch.timestamps where ts > 0 { metrics.endToEnd.recordMilliseconds(max(0, now - ts)) }
        PathActivity.shared.applied("stream", records: batch.recordCount)
    }

    private func send(contacts: [ContactSummaryRow], days: [CampusDailyRow]) async throws {
        var records = contacts.map { OutgoingRecord(topic: topics.contactSummaryStream, key: Array($0.contactId.utf8), value: $0.jsonBytes) }
        records += days.map { OutgoingRecord(topic: topics.campusDailyStream, key: Array($0.key.kafkaKey.utf8), value: $0.jsonBytes) }
        if records.isEmpty { return }
        let producer = clients.producer
        try await ServiceOutage.retrying("stream", logger: logger) { try await producer.send(records) }
        metrics.published.increment(by: records.count)
    }

    /// Forgets each commit's outbox entry if its epoch still holds the partition; per commit,
    /// false where it does not.
    private func release(_ commits: [PartitionCommit]) async throws -> [Bool] {
        try await release(commits.map { ($0.keys, $0.epoch, [$0.batchId]) })
    }

    private func release(_ entries: [(keys: PartitionKeys, epoch: Int64, batchIds: [String])]) async throws -> [Bool] {
        if entries.isEmpty { return [] }
        let requests = entries.map { entry in
            RedisRequest.script(PartitionScripts.release, keys: [entry.keys.meta, entry.keys.outbox].map { Array($0.utf8) },
                                args: [Array(String(entry.epoch).utf8)] + entry.batchIds.map { Array($0.utf8) })
        }
        let redis = clients.control
        let replies = try await ServiceOutage.retrying("stream", logger: logger) { try await redis.execute(requests) }
        return try replies.map { try $0.check().int == 1 }
    }

    // MARK: - Reading back what is stored

    /// Each campus-day's shares summed over `partitions`.
    private func dayShares(_ days: [CampusDayKey], partitions: Set<Int32>) async throws -> [CampusDayKey: CampusDayPartial] {
        if days.isEmpty || partitions.isEmpty { return [:] }
        let fields = days.map { Array($0.kafkaKey.utf8) }
        let requests = partitions.sorted().map {
            RedisRequest.command([Array("HMGET".utf8), Array(keyspace.partition($0).days.utf8)] + fields)
        }
        let redis = clients.control
        let replies = try await ServiceOutage.retrying("stream", logger: logger) { try await redis.execute(requests) }
        var totals: [CampusDayKey: CampusDayPartial] = [:]
        for reply in replies {
            guard let values = try reply.check().array, values.count == days.count else { throw StreamError.unexpectedReply("HMGET days", reply) }
            for (day, value) in zip(days, values) {
                totals[day] = (totals[day] ?? CampusDayPartial()) + (try BatchFolder.partial(value, key: day))
            }
        }
        return totals
    }

    /// Publishes again until it holds: re-reads the days (`fixed` shares plus those stored in
    /// `readFrom`) after each acknowledged publish and publishes whatever changed meanwhile.
    /// Shares only grow, so a day that reads as it was published has no later value in flight
    /// from anyone whose count it lacks.
    private func settle(days published: [CampusDailyRow], fixed: [CampusDayKey: CampusDayPartial], readFrom: Set<Int32>) async throws {
        var last = published
        while !last.isEmpty {
            let keys = last.map(\.key)
            let shares = try await dayShares(keys, partitions: readFrom)
            let now = keys.map { ((fixed[$0] ?? CampusDayPartial()) + (shares[$0] ?? CampusDayPartial())).row($0) }
            let changed = zip(last, now).filter { $0.0 != $0.1 }.map(\.1)
            try await send(contacts: [], days: changed)
            last = changed
        }
    }

    /// Publishes the stored rows of an outbox entry's keys (every partition's shares for the
    /// days), and again whatever changed by the time the publish was acknowledged, until
    /// nothing did.
    private func republishCurrent(_ entry: OutboxEntry, partition keys: PartitionKeys) async throws {
        var contacts = entry.contacts
        var days = Array(Set(entry.days))
        var lastRows: [ByteKey: ContactSummaryRow] = [:]
        var lastDays: [CampusDayKey: CampusDailyRow] = [:]
        let everyPartition = Set(0..<Int32(partitionCount))
        while !contacts.isEmpty || !days.isEmpty {
            var rows: [ContactSummaryRow] = []
            if !contacts.isEmpty {
                let request = RedisRequest.command([Array("HMGET".utf8), Array(keys.rows.utf8)] + contacts.map { Array($0.utf8) })
                let redis = clients.control
                let reply = try await ServiceOutage.retrying("stream", logger: logger) { try await redis.execute([request])[0] }
                guard let values = try reply.check().array, values.count == contacts.count else { throw StreamError.unexpectedReply("HMGET rows", reply) }
                for (id, value) in zip(contacts, values) {
                    if let stored = try BatchFolder.aggregate(value, contactId: id) { rows.append(stored.aggregate.row(contactId: id)) }
                }
            }
            let shares = try await dayShares(days, partitions: everyPartition)
            let changedRows = rows.filter { lastRows[ByteKey($0.contactId)] != $0 }
            let changedDays = days.map { (shares[$0] ?? CampusDayPartial()).row($0) }.filter { lastDays[$0.key] != $0 }
            try await send(contacts: changedRows, days: changedDays)
            for row in changedRows { lastRows[ByteKey(row.contactId)] = row }
            for row in changedDays { lastDays[row.key] = row }
            contacts = changedRows.map(\.contactId)
            days = changedDays.map(\.key)
        }
    }
}

extension PartitionClaim {
    /// Parses `PartitionScripts.claim`'s reply.
    init(reply: RedisReply, keys: PartitionKeys) throws {
        guard let parts = try reply.check().array, parts.count == 4, let epoch = parts[0].int,
              let next = parts[1].array, next.count == 2, let outbox = parts[3].array else {
            throw StreamError.unexpectedReply("claim of partition \(keys.partition)", reply)
        }
        self.keys = keys
        self.epoch = epoch
        self.next = NextOffsets(contacts: next[0].int, messageEvents: next[1].int)
        let stored: [UInt8] = if case .bulk(let bytes) = parts[2] { bytes } else { [] }
        guard let sums = BucketSums(decoding: stored) else { throw StreamError.corruptState(keys.sums, "sums", "\(stored.count) bytes") }
        self.sums = sums
        var entries: [(batchId: String, entry: OutboxEntry)] = []
        for i in stride(from: 0, to: outbox.count - 1, by: 2) {
            guard let id = outbox[i].string, case .bulk(let bytes) = outbox[i + 1], let entry = OutboxEntry(decoding: bytes) else {
                throw StreamError.corruptState(keys.outbox, "entry", "\(outbox[i])")
            }
            entries.append((id, entry))
        }
        self.outbox = entries
    }
}
