import BridgeModel
import RedisClient

/// The stream path's contact summaries walked in steps, for callers that must not load the
/// whole store (the serving router re-publishing keys that changed owner): one SSCAN step over
/// the contacts index gives ids, and only the ids the caller keeps are read as rows.
public struct StreamSummaryPages: Sendable {
    let redis: RedisClient
    let keys: StreamKeys
    let chunk: Int

    /// `prefix` is the configured topic prefix, which is also the Redis key prefix.
    public init(redis: RedisClient, prefix: String, chunk: Int = 1000) {
        self.redis = redis
        self.keys = StreamKeys(prefix: prefix)
        self.chunk = chunk
    }

    /// One SSCAN step from `cursor` ("0" to start): ids and the next cursor, "0" once the walk
    /// is complete. SSCAN may repeat an id across steps, so callers must tolerate duplicates.
    public func ids(cursor: String) async throws -> (ids: [String], next: String) {
        let set = keys.contacts
        let reply = try await redis.command(["SSCAN", set, cursor, "COUNT", String(chunk)])
        guard let parts = try reply.check().array, parts.count == 2,
              let next = parts[0].string, let items = parts[1].array else {
            throw StreamError.unexpectedReply("SSCAN \(set)", reply)
        }
        let ids = items.compactMap { item -> String? in
            if case .bulk(let bytes) = item { String(decoding: bytes, as: UTF8.self) } else { nil }
        }
        return (ids, next)
    }

    /// The stored rows of the given contacts, in the given order, in one pipelined round trip.
    public func rows(_ ids: [String]) async throws -> [ContactSummaryRow] {
        try await StoredRowReader(redis: redis, keys: keys).contacts(ids)
    }
}
