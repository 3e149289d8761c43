import BridgeModel
import BridgeSupport
import KafkaClient
import Logging
import RedisClient

/// A batch folded in process: per partition, the commit that writes it; and the outputs to
/// publish once the commits landed.
struct FoldedBatch: Sendable {
    /// Increasing per engine run; the commit stage reports it back when the batch is committed.
    var sequence: Int
    var commits: [PartitionCommit]
    var deadLetters: [(KafkaRecord, Rejection)]
    /// Rows that changed, as they stand after this batch.
    var contactRows: [ContactSummaryRow]
    /// Each campus-day this batch changed, summed over the partitions this instance owns, as
    /// they stand after this batch (the publish stage adds the other partitions' shares).
    var ownedDayTotals: [CampusDayKey: CampusDayPartial]
    /// For Kafka's commit: the next offset per input partition of the batch.
    var nextOffsets: [TopicPartition: Int64]
    var recordCount: Int
    var validRecords: Int
    var duplicateEvents: Int
    /// Kafka timestamps of the valid records, for the end-to-end latency.
    var timestamps: [Int64]
}

/// The fold stage: decodes a polled batch, reads from Redis only what the owned partitions do
/// not hold (their rows and campus-day shares not cached, and which seen members exist: one
/// pipelined round trip for the whole batch), and folds each partition's records in order with
/// the contract's definitions. It runs on one task, batch after batch; the partitions' state it
/// updates is ahead of Redis until the commit stage writes each batch.
final class BatchFolder {
    let topics: TopicNames
    let redis: RedisClient
    let logger: Logger
    private(set) var partitions: [Int32: OwnedPartition] = [:]
    private var sequence = 0

    init(topics: TopicNames, redis: RedisClient, logger: Logger) {
        self.topics = topics
        self.redis = redis
        self.logger = logger
    }

    /// Takes on newly claimed partitions and drops revoked ones (called between batches).
    func own(_ owned: [Int32: PartitionClaim], cacheLimit: Int) {
        for number in partitions.keys where owned[number]?.epoch != partitions[number]?.epoch { partitions[number] = nil }
        let perPartition = cacheLimit / max(1, owned.count)
        for (number, claim) in owned where partitions[number] == nil {
            partitions[number] = OwnedPartition(claim: claim, cacheLimit: perPartition)
        }
    }

    func fold(_ batch: [KafkaRecord], committedThrough: Int) async throws -> FoldedBatch {
        sequence += 1
        for partition in partitions.values { partition.forgetCommitted(through: committedThrough) }
        var slices = PartitionSlice.split(batch, topics: topics)
        // Records of partitions this instance does not own (any more) are not its to apply.
        slices = slices.filter { partitions[$0.key] != nil }
        let reads = try await read(for: Array(slices.values))

        var folded = FoldedBatch(sequence: sequence, commits: [], deadLetters: [], contactRows: [], ownedDayTotals: [:],
                                 nextOffsets: [:], recordCount: batch.count, validRecords: 0, duplicateEvents: 0, timestamps: [])
        var touchedDays: Set<CampusDayKey> = []
        for slice in slices.values.sorted(by: { $0.partition < $1.partition }) {
            let partition = partitions[slice.partition]!
            let (commit, rows, duplicates) = try foldSlice(slice, into: partition, reads: reads)
            folded.commits.append(commit)
            folded.contactRows += rows
            folded.deadLetters += slice.rejected
            folded.validRecords += slice.entries.count
            folded.duplicateEvents += duplicates
            touchedDays.formUnion(commit.days.map(\.key))
            for input in InputTopic.allCases {
                if let next = slice.next[input] { folded.nextOffsets[TopicPartition(topics.name(of: input), slice.partition)] = next }
            }
            for entry in slice.entries { if let ts = entry.timestampMillis { folded.timestamps.append(ts) } }
        }
        for day in touchedDays {
            folded.ownedDayTotals[day] = partitions.values.reduce(CampusDayPartial()) { $0 + ($1.days[day]?.value ?? CampusDayPartial()) }
        }
        return folded
    }

    // MARK: - Reading what the partitions do not hold

    /// What Redis answered for one batch.
    struct Reads {
        var rows: [Int32: [ByteKey: StoredAggregate?]] = [:]
        var present: [Int32: Set<SeenMember>] = [:]
    }

    private func read(for slices: [PartitionSlice]) async throws -> Reads {
        var requests: [RedisRequest] = []
        enum Pending { case rows(Int32, [String]), members(Int32, [SeenMember]), days(Int32, [CampusDayKey]) }
        var pending: [Pending] = []
        var allDays: Set<CampusDayKey> = []
        for slice in slices {
            let partition = partitions[slice.partition]!
            let missing = slice.contacts.filter { partition.rows[$0.key] == nil }.map(\.key.string)
            if !missing.isEmpty {
                requests.append(.command([Array("HMGET".utf8), Array(partition.keys.rows.utf8)] + missing.map { Array($0.utf8) }))
                pending.append(.rows(slice.partition, missing))
            }
            let members = Self.questions(slice, partition: partition)
            if !members.isEmpty {
                requests.append(.command([Array("SMISMEMBER".utf8), Array(partition.keys.seen.utf8)] + members.map(\.bytes)))
                pending.append(.members(slice.partition, members))
            }
            allDays.formUnion(slice.touchedDays)
        }
        // Every owned partition's share of every touched day: the batch publishes their sum.
        for partition in partitions.values {
            let missing = allDays.filter { partition.days[$0] == nil }
            if !missing.isEmpty {
                requests.append(.command([Array("HMGET".utf8), Array(partition.keys.days.utf8)] + missing.map { Array($0.kafkaKey.utf8) }))
                pending.append(.days(partition.number, Array(missing)))
            }
        }
        var reads = Reads()
        if requests.isEmpty { return reads }
        let replies = try await ServiceOutage.retrying("stream", logger: logger) { try await redis.execute(requests) }
        for (what, reply) in zip(pending, replies) {
            guard let values = try reply.check().array else { throw StreamError.unexpectedReply("batch read", reply) }
            switch what {
            case .rows(let p, let ids):
                guard values.count == ids.count else { throw StreamError.unexpectedReply("HMGET rows", reply) }
                var found: [ByteKey: StoredAggregate?] = [:]
                for (id, value) in zip(ids, values) { found[ByteKey(id)] = try Self.aggregate(value, contactId: id) }
                reads.rows[p] = found
            case .members(let p, let members):
                guard values.count == members.count else { throw StreamError.unexpectedReply("SMISMEMBER", reply) }
                reads.present[p] = Set(zip(members, values).compactMap { $1 == .integer(1) ? $0 : nil })
            case .days(let p, let keys):
                guard values.count == keys.count, let partition = partitions[p] else { throw StreamError.unexpectedReply("HMGET days", reply) }
                for (key, value) in zip(keys, values) {
                    partition.days[key] = .init(value: try Self.partial(value, key: key), batch: 0)
                }
            }
        }
        return reads
    }

    /// The seen members the fold may need Redis to answer for: every event id (its dedupe), and
    /// the campaign and campus-day of an event only where the contact's row does not settle it
    /// (its row is not cached, or its memo spilled and does not hold it). Members a batch in
    /// flight added are known already.
    static func questions(_ slice: PartitionSlice, partition: OwnedPartition) -> [SeenMember] {
        var questions: Set<SeenMember> = []
        for contact in slice.contacts {
            let cached = partition.rows[contact.key]
            let memo = cached?.value?.aggregate
            // A cached row that never spilled settles campaigns and campus-days by itself.
            let askCampaigns = cached == nil || memo?.campaignIds.spilled == true
            let askDays = cached == nil || memo?.activeDays.spilled == true
            for i in contact.entries {
                guard case .event(let event) = slice.entries[i].record, let members = slice.entries[i].members else { continue }
                if !partition.isPending(members.event) { questions.insert(members.event) }
                if askCampaigns, event.kind == .sent, let campaign = event.campaignId, memo?.campaignIds.contains(ByteKey(campaign)) != true {
                    let member = SeenMember.campaign(contact: event.contactId, campaignId: campaign)
                    if !partition.isPending(member) { questions.insert(member) }
                }
                if askDays, memo?.activeDays.contains(members.activeDay) != true {
                    let member = SeenMember.active(contact: event.contactId, day: members.activeDay)
                    if !partition.isPending(member) { questions.insert(member) }
                }
            }
        }
        return Array(questions)
    }

    static func aggregate(_ reply: RedisReply, contactId: String) throws -> StoredAggregate? {
        guard case .bulk(let bytes) = reply else { return nil }
        guard let stored = StoredAggregate.decode(bytes) else { throw StreamError.corruptState(contactId, "row", "\(bytes.count) bytes") }
        return stored
    }

    static func partial(_ reply: RedisReply, key: CampusDayKey) throws -> CampusDayPartial {
        guard case .bulk(let bytes) = reply else { return CampusDayPartial() }
        guard let partial = CampusDayPartial(decoding: bytes) else { throw StreamError.corruptState(key.kafkaKey, "partial", "\(bytes.count) bytes") }
        return partial
    }

    // MARK: - The fold

    /// Folds one partition's slice into its state; returns the commit, the rows to publish and
    /// how many events were duplicates.
    private func foldSlice(_ slice: PartitionSlice, into partition: OwnedPartition, reads: Reads)
        throws -> (PartitionCommit, [ContactSummaryRow], Int) {
        let batch = sequence
        let present = reads.present[slice.partition] ?? []
        let readRows = reads.rows[slice.partition] ?? [:]
        /// Members this batch adds to the seen set.
        var added: Set<SeenMember> = []
        /// Whether Redis holds `member`, or this batch added it already.
        func isKnown(_ member: SeenMember) -> Bool {
            added.contains(member) || present.contains(member) || partition.isPending(member)
        }

        var commit = PartitionCommit(keys: partition.keys, epoch: partition.epoch, before: partition.next, after: partition.next)
        for input in InputTopic.allCases {
            if let next = slice.next[input] { commit.after[input] = max(next, partition.next[input] ?? 0) }
        }
        var days: [CampusDayKey: CampusDayPartial] = [:]
        var duplicates = 0
        var published: [ContactSummaryRow] = []
        var sumsChanged = false
        // Contact by contact, each folded in one local value (batch order is offset order
        // within each topic).
        for contact in slice.contacts {
            let key = contact.key
            // The aggregate as the batch finds it (cached, read, or new), then as it leaves it.
            let start = partition.rows[key]?.value ?? (readRows[key] ?? nil)
            var aggregate = start?.aggregate ?? ContactAggregate()
            let memoAtStart = start?.aggregate
            // A campaign or campus-day is known if the row's memo holds it now or held it when
            // the batch began (a later insert may have pushed it out), or if it is in Redis
            // (only possible when the memo had spilled before the batch) or added by it.
            func known(_ inMemo: Bool, spilledBefore: Bool, _ member: SeenMember) -> Bool {
                inMemo || (spilledBefore ? isKnown(member) : added.contains(member))
            }
            for i in contact.entries {
                switch slice.entries[i].record {
                case .contact(let update):
                    _ = aggregate.apply(update, offset: slice.entries[i].offset)
                case .event(let event):
                    let members = slice.entries[i].members!
                    if isKnown(members.event) { duplicates += 1; continue }
                    added.insert(members.event)
                    var newCampaign = false
                    if event.kind == .sent, let campaign = event.campaignId {
                        let id = ByteKey(campaign)
                        newCampaign = !known(aggregate.campaignIds.contains(id) || memoAtStart?.campaignIds.contains(id) == true,
                                             spilledBefore: memoAtStart?.campaignIds.spilled == true,
                                             .campaign(contact: event.contactId, campaignId: campaign))
                        if newCampaign {
                            for moved in aggregate.campaignIds.insert(id, capacity: ContactAggregate.campaignMemoCapacity) {
                                added.insert(.campaign(contact: event.contactId, campaignId: moved.string))
                            }
                        }
                    }
                    aggregate.count(event, newCampaign: newCampaign)
                    let day = members.activeDay
                    let newActive = !known(aggregate.activeDays.contains(day) || memoAtStart?.activeDays.contains(day) == true,
                                           spilledBefore: memoAtStart?.activeDays.spilled == true,
                                           .active(contact: event.contactId, day: day))
                    if newActive {
                        for moved in aggregate.activeDays.insert(day, capacity: ContactAggregate.activeDayMemoCapacity) {
                            added.insert(.active(contact: event.contactId, day: moved))
                        }
                    }
                    days[members.day, default: partition.days[members.day]?.value ?? CampusDayPartial()].count(event.kind, newActive: newActive)
                }
            }

            if let start, start.aggregate == aggregate {
                partition.rows[key] = .init(value: start, batch: partition.rows[key]?.batch ?? 0)
                continue
            }
            let rowChanged = !(start.map { $0.aggregate.sameRow(as: aggregate) } ?? false)
            let row = rowChanged ? aggregate.row(contactId: key.string) : nil
            let digest = row.map(ContactDigest.digest(of:)) ?? start!.digest
            let bucket = start?.bucket ?? ContactDigest.bucket(of: key.string)
            let stored = StoredAggregate(aggregate: aggregate, digest: digest, bucket: bucket)
            partition.rows[key] = .init(value: stored, batch: batch)
            commit.rows.append((key.string, stored.encoded()))
            if let row {
                partition.sums.replace(start?.digest ?? 0, by: digest, in: bucket)
                sumsChanged = true
                commit.outbox.contacts.append(key.string)
                published.append(row)
            }
        }
        if sumsChanged { commit.sums = partition.sums }
        for (day, partial) in days where partial != partition.days[day]?.value {
            partition.days[day] = .init(value: partial, batch: batch)
            commit.days.append((day, partial.encoded()))
            commit.outbox.days.append(day)
        }
        commit.seen = added.map(\.bytes)
        if !added.isEmpty { partition.pendingMembers.append((batch, added)) }
        partition.next = commit.after
        return (commit, published, duplicates)
    }
}
