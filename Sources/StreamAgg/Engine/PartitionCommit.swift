import BridgeModel
import RedisClient

/// Everything one batch changed in one partition, written by one fenced call of
/// `PartitionScripts.commit`: rows, seen members, the partition's campus-day shares, its digest
/// bucket sums, its next offsets and the batch's outbox entry.
struct PartitionCommit: Sendable {
    var keys: PartitionKeys
    var epoch: Int64
    /// The next offsets the partition had before this batch (nil: none stored yet) and after it.
    var before: NextOffsets
    var after: NextOffsets
    var rows: [(contactId: String, bytes: [UInt8])] = []
    var seen: [[UInt8]] = []
    var days: [(key: CampusDayKey, bytes: [UInt8])] = []
    /// The partition's bucket sums after this batch, when a row's digest changed.
    var sums: BucketSums?
    var outbox = OutboxEntry(contacts: [], days: [])

    /// Unique per partition: offsets only grow.
    var batchId: String { after.text(.contacts) + ":" + after.text(.messageEvents) }

    var request: RedisRequest {
        var args: [[UInt8]] = []
        args.reserveCapacity(11 + rows.count * 2 + seen.count + days.count * 2)
        for text in [String(epoch), before.text(.contacts), before.text(.messageEvents),
                     after.text(.contacts), after.text(.messageEvents), batchId] {
            args.append(Array(text.utf8))
        }
        args.append(outbox.encoded())
        args.append(sums?.encoded() ?? [])
        for n in [rows.count, seen.count, days.count] { args.append(Array(String(n).utf8)) }
        for row in rows { args.append(Array(row.contactId.utf8)); args.append(row.bytes) }
        args += seen
        for day in days { args.append(Array(day.key.kafkaKey.utf8)); args.append(day.bytes) }
        return .script(PartitionScripts.commit, keys: [keys.meta, keys.rows, keys.seen, keys.days, keys.sums, keys.outbox].map { Array($0.utf8) },
                       args: args)
    }

    /// What the script answered.
    enum Outcome: Equatable {
        case committed
        /// Another instance claimed the partition (a higher epoch): this one lost it.
        case fenced(storedEpoch: String)
        /// The stored offsets are not the ones the batch was folded from: Redis lost writes
        /// (restarted without its last second) or someone wrote behind this owner's back.
        case moved(stored: String)
    }

    static func outcome(_ reply: RedisReply) throws -> Outcome {
        guard let parts = try reply.check().array, let status = parts.first?.string else {
            throw StreamError.unexpectedReply("partition commit", reply)
        }
        switch status {
        case "ok", "applied": return .committed
        case "fenced": return .fenced(storedEpoch: parts.count > 1 ? parts[1].string ?? "" : "")
        case "moved": return .moved(stored: parts.dropFirst().map { $0.string ?? "" }.joined(separator: ":"))
        default: throw StreamError.unexpectedReply("partition commit", reply)
        }
    }
}

/// The next offset to read of each input partition of a pair (nil: nothing applied yet).
struct NextOffsets: Sendable, Equatable {
    var contacts: Int64?
    var messageEvents: Int64?

    subscript(_ input: InputTopic) -> Int64? {
        get { input == .contacts ? contacts : messageEvents }
        set { if input == .contacts { contacts = newValue } else { messageEvents = newValue } }
    }

    func text(_ input: InputTopic) -> String { self[input].map(String.init) ?? "" }
}
