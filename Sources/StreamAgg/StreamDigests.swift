import BridgeModel
import KafkaClient
import RedisClient

/// The stream side of a checksummed comparison: where the stream path stands, the bucket sums
/// of its contact digests (`ContactDigestLua`, computed inside Redis so rows never cross the
/// network), and the contacts of chosen buckets.
public struct StreamDigests: Sendable {
    /// Where the stream path stands, read in one MULTI/EXEC.
    public struct Position: Sendable, Equatable {
        /// `<prefix>offsets:stream`: the next offset to read per input partition.
        public var appliedOffsets: [TopicPartition: Int64]
        /// Partitions with a batch being folded: their state may be ahead of `appliedOffsets`.
        public var inFlight: Set<TopicPartition>
    }

    public static let bucketCount = 4096

    let redis: RedisClient
    let keys: StreamKeys
    /// Contacts per script call: each call holds Redis for about this many row reads, so the
    /// stream path's own calls wait at most a few milliseconds behind one.
    let chunk: Int

    /// `prefix` is the configured topic prefix, which is also the Redis key prefix.
    public init(redis: RedisClient, prefix: String, chunk: Int = 500) {
        self.redis = redis
        self.keys = StreamKeys(prefix: prefix)
        self.chunk = chunk
    }

    public func position() async throws -> Position {
        let commands = [["MULTI"], ["HGETALL", keys.offsets], ["HGETALL", keys.folding], ["EXEC"]]
        let replies = try await redis.pipeline(commands.map { $0.map { Array($0.utf8) } })
        guard let parts = try replies[3].check().array, parts.count == 2 else {
            throw StreamError.unexpectedReply("EXEC (offsets, folding)", replies[3])
        }
        let applied = Self.offsets(try StoredRows.fields(parts[0]))
        let folding = Self.offsets(try StoredRows.fields(parts[1]))
        return Position(appliedOffsets: applied,
                        inFlight: Set(folding.filter { tp, next in next > (applied[tp] ?? 0) }.keys))
    }

    /// Bucket number (0..<4096) -> sum of its contacts' digests, over every stored contact.
    /// The walk is not atomic: bracket it with `position()` to know nothing moved meanwhile.
    public func bucketSums() async throws -> [Int: Int64] {
        var sums: [Int: Int64] = [:]
        try await walk(Self.sumScript, extra: []) { pairs in
            var i = 0
            while i + 1 < pairs.count {
                guard let name = pairs[i].string, let bucket = Int(name, radix: 16),
                      let text = pairs[i + 1].string, let sum = Int64(text) else {
                    throw StreamError.unexpectedReply("bucket sums", .array(pairs))
                }
                sums[bucket, default: 0] &+= sum
                i += 2
            }
        }
        return sums
    }

    /// The contacts of `buckets` with their applied-offset metadata, ordered by contact_id
    /// byte-wise (each read atomically, see `StoredRowReader.storedContacts`).
    public func contacts(inBuckets buckets: [Int]) async throws -> [StoredContact] {
        if buckets.isEmpty { return [] }
        var ids: [[UInt8]] = []
        try await walk(Self.membersScript, extra: buckets.map(Self.bucketName)) { members in
            for member in members { if case .bulk(let bytes) = member { ids.append(bytes) } }
        }
        // SSCAN may return a member twice; each contact must be compared once.
        ids.sort { $0.lexicographicallyPrecedes($1) }
        var names: [String] = []
        for (i, id) in ids.enumerated() where i == 0 || ids[i - 1] != id { names.append(String(decoding: id, as: UTF8.self)) }
        let reader = StoredRowReader(redis: redis, keys: keys)
        var out: [StoredContact] = []
        out.reserveCapacity(names.count)
        for start in stride(from: 0, to: names.count, by: 1000) {
            out += try await reader.storedContacts(Array(names[start..<min(start + 1000, names.count)]))
        }
        return out
    }

    /// Runs `script` over the contact index set one SSCAN step per call, handing each call's
    /// result list to `collect`.
    private func walk(_ script: RedisScript, extra: [String], collect: ([RedisReply]) throws -> Void) async throws {
        let index = [Array(keys.contacts.utf8)]
        var cursor = "0"
        repeat {
            let args = ([keys.prefix, cursor, String(chunk)] + extra).map { Array($0.utf8) }
            let reply = try await redis.withConnection { try $0.evaluate(script, keys: index, args: args) }
            guard let parts = try reply.check().array, parts.count == 2, let next = parts[0].string,
                  let items = parts[1].array else {
                throw StreamError.unexpectedReply("digest walk of \(keys.contacts)", reply)
            }
            try collect(items)
            cursor = next
        } while cursor != "0"
    }

    /// The hash field and set name of a bucket as the Lua side names it: 3 lower-case hex digits.
    static func bucketName(_ bucket: Int) -> String {
        let hex = String(bucket, radix: 16)
        return String(repeating: "0", count: max(0, 3 - hex.count)) + hex
    }

    private static func offsets(_ fields: [String: String]) -> [TopicPartition: Int64] {
        var out: [TopicPartition: Int64] = [:]
        for (field, value) in fields {
            if let tp = StreamExport.partition(field), let offset = Int64(value) { out[tp] = offset }
        }
        return out
    }

    /// KEYS: 1 the contact index set. ARGV: 1 key prefix, 2 SSCAN cursor, 3 COUNT.
    /// Returns { next cursor, { bucket, sum, ... } } over the contacts of one SSCAN step; a
    /// step's sums stay below 2^53 (exact in Lua's doubles) up to 8,192 contacts per bucket.
    static let sumScript = RedisScript(source: ContactDigestLua.functions + #"""
local scan = redis.call('SSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
local sums, order = {}, {}
for _, contact in ipairs(scan[2]) do
  local b = bucket_of(contact)
  if not sums[b] then sums[b] = 0; order[#order + 1] = b end
  sums[b] = sums[b] + row_digest(ARGV[1], contact)
end
local out = {}
for _, b in ipairs(order) do out[#out + 1] = b; out[#out + 1] = string.format('%d', sums[b]) end
return { scan[1], out }
"""#)

    /// KEYS: 1 the contact index set. ARGV: 1 key prefix (unused), 2 cursor, 3 COUNT, then the
    /// wanted bucket names. Returns { next cursor, { contact_id, ... } } of wanted buckets.
    static let membersScript = RedisScript(source: ContactDigestLua.functions + #"""
local wanted = {}
for i = 4, #ARGV do wanted[ARGV[i]] = true end
local scan = redis.call('SSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
local out = {}
for _, contact in ipairs(scan[2]) do
  if wanted[bucket_of(contact)] then out[#out + 1] = contact end
end
return { scan[1], out }
"""#)
}
