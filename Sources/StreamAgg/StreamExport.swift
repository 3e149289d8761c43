import BridgeModel
import KafkaClient
import RedisClient

/// Every row the stream path holds in Redis, for `bridge export --source stream` and the
/// comparator: the index sets are walked with SSCAN and the rows read in pipelined chunks.
public struct StreamExport: Sendable {
    let redis: RedisClient
    let keys: StreamKeys
    let chunk: Int

    /// `prefix` is the configured topic prefix, which is also the Redis key prefix.
    public init(redis: RedisClient, prefix: String, chunk: Int = 1000) {
        self.redis = redis
        self.keys = StreamKeys(prefix: prefix)
        self.chunk = chunk
    }

    /// All contact summaries, ordered by contact_id byte-wise.
    public func contactSummaries() async throws -> [ContactSummaryRow] {
        try await contactsWithAppliedOffsets().map(\.row)
    }

    /// All contact summaries with their applied-offset metadata, ordered by contact_id
    /// byte-wise (see `StoredRowReader.storedContacts` for why each is read atomically).
    public func contactsWithAppliedOffsets() async throws -> [StoredContact] {
        let ids = try await members(of: keys.contacts)
        let reader = StoredRowReader(redis: redis, keys: keys)
        var out: [StoredContact] = []
        out.reserveCapacity(ids.count)
        for start in stride(from: 0, to: ids.count, by: chunk) {
            out += try await reader.storedContacts(Array(ids[start..<min(start + chunk, ids.count)]))
        }
        return out
    }

    /// `<prefix>offsets:stream`: the next offset to read per input partition.
    public func appliedOffsets() async throws -> [TopicPartition: Int64] {
        let key = keys.offsets
        let fields = try StoredRows.fields(try await redis.command(["HGETALL", key]))
        var out: [TopicPartition: Int64] = [:]
        for (field, value) in fields {
            if let tp = Self.partition(field), let offset = Int64(value) { out[tp] = offset }
        }
        return out
    }

    /// The `o:<input>|<partition>` fields of a contact's state hash. They name the input by its
    /// base name (`InputTopic`), without the prefix, so the prefix is put back here to match the
    /// topic names of the offsets hashes.
    static func metadata(_ fields: [String: String], topicPrefix: String) -> [TopicPartition: Int64] {
        var out: [TopicPartition: Int64] = [:]
        for (field, value) in fields where field.hasPrefix("o:") {
            if let tp = partition(String(field.dropFirst(2))), InputTopic(rawValue: tp.topic) != nil, let offset = Int64(value) {
                out[TopicPartition(topicPrefix + tp.topic, tp.partition)] = offset
            }
        }
        return out
    }

    /// Parses "topic|partition" (`StreamKeys.partitionField`); Kafka topic names hold no '|'.
    static func partition(_ field: String) -> TopicPartition? {
        guard let bar = field.lastIndex(of: "|"), let p = Int32(field[field.index(after: bar)...]) else { return nil }
        return TopicPartition(String(field[..<bar]), p)
    }

    /// All campus-day rows, ordered by campus_id byte-wise, then day.
    public func campusDaily() async throws -> [CampusDailyRow] {
        let suffixes = try await members(of: keys.days)
        let reader = StoredRowReader(redis: redis, keys: keys)
        var rows: [CampusDailyRow] = []
        rows.reserveCapacity(suffixes.count)
        for start in stride(from: 0, to: suffixes.count, by: chunk) {
            rows += try await reader.days(Array(suffixes[start..<min(start + chunk, suffixes.count)]))
        }
        return rows.sorted { $0.key < $1.key }
    }

    /// Members of an index set, sorted byte-wise.
    private func members(of set: String) async throws -> [String] {
        var all: [[UInt8]] = []
        var cursor = "0"
        repeat {
            let reply = try await redis.command(["SSCAN", set, cursor, "COUNT", String(chunk)])
            guard let parts = try reply.check().array, parts.count == 2,
                  let next = parts[0].string, let items = parts[1].array else {
                throw StreamError.unexpectedReply("SSCAN \(set)", reply)
            }
            for item in items { if case .bulk(let bytes) = item { all.append(bytes) } }
            cursor = next
        } while cursor != "0"
        // SSCAN may return an element more than once; the set semantics must survive that.
        all.sort { $0.lexicographicallyPrecedes($1) }
        var unique: [[UInt8]] = []
        for bytes in all where unique.last != bytes { unique.append(bytes) }
        return unique.map { String(decoding: $0, as: UTF8.self) }
    }
}
