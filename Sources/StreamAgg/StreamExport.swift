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
        var rows: [ContactSummaryRow] = []
        rows.reserveCapacity(ids.count)
        for start in stride(from: 0, to: ids.count, by: chunk) {
            let part = Array(ids[start..<min(start + chunk, ids.count)])
            var commands: [[[UInt8]]] = []
            for id in part {
                commands.append(["HGETALL", keys.contactState(id)].map { Array($0.utf8) })
                commands.append(["SCARD", keys.contactCampaigns(id)].map { Array($0.utf8) })
            }
            let replies = try await redis.pipeline(commands)
            for (i, id) in part.enumerated() {
                guard let campaigns = try replies[2 * i + 1].check().int else {
                    throw StreamError.unexpectedReply("SCARD \(keys.contactCampaigns(id))", replies[2 * i + 1])
                }
                rows.append(try StoredRows.contact(contactId: id, fields: try StoredRows.fields(replies[2 * i]), campaigns: campaigns))
            }
        }
        return rows
    }

    /// All campus-day rows, ordered by campus_id byte-wise, then day.
    public func campusDaily() async throws -> [CampusDailyRow] {
        let suffixes = try await members(of: keys.days)
        var rows: [CampusDailyRow] = []
        rows.reserveCapacity(suffixes.count)
        for start in stride(from: 0, to: suffixes.count, by: chunk) {
            let part = Array(suffixes[start..<min(start + chunk, suffixes.count)])
            var commands: [[[UInt8]]] = []
            for suffix in part {
                commands.append(["HGETALL", keys.day(suffix)].map { Array($0.utf8) })
                commands.append(["SCARD", keys.dayContacts(suffix)].map { Array($0.utf8) })
            }
            let replies = try await redis.pipeline(commands)
            for (i, suffix) in part.enumerated() {
                guard let active = try replies[2 * i + 1].check().int else {
                    throw StreamError.unexpectedReply("SCARD \(keys.dayContacts(suffix))", replies[2 * i + 1])
                }
                rows.append(try StoredRows.campusDay(suffix: suffix, fields: try StoredRows.fields(replies[2 * i]), activeContacts: active))
            }
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
