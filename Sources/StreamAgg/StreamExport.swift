import BridgeModel
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
        let ids = try await members(of: keys.contacts)
        let reader = StoredRowReader(redis: redis, keys: keys)
        var rows: [ContactSummaryRow] = []
        rows.reserveCapacity(ids.count)
        for start in stride(from: 0, to: ids.count, by: chunk) {
            rows += try await reader.contacts(Array(ids[start..<min(start + chunk, ids.count)]))
        }
        return rows
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
