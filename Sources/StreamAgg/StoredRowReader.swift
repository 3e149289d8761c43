import BridgeModel
import RedisClient

/// Reads finished rows out of Redis: each row is a hash plus the cardinality of one set (the
/// contact's campaigns, the campus-day's active contacts), fetched for many keys in a single
/// pipelined round trip. The batch step (publishing touched campus-days) and the export share it.
struct StoredRowReader: Sendable {
    let redis: RedisClient
    let keys: StreamKeys

    func contacts(_ ids: [String]) async throws -> [ContactSummaryRow] {
        let stored = try await hashesWithCardinality(ids, hash: keys.contactState, set: keys.contactCampaigns)
        return try zip(ids, stored).map { id, row in
            try StoredRows.contact(contactId: id, fields: row.fields, campaigns: row.cardinality)
        }
    }

    /// `suffixes` are "campus|day" keys.
    func days(_ suffixes: [String]) async throws -> [CampusDailyRow] {
        let stored = try await hashesWithCardinality(suffixes, hash: keys.day, set: keys.dayContacts)
        return try zip(suffixes, stored).map { suffix, row in
            try StoredRows.campusDay(suffix: suffix, fields: row.fields, activeContacts: row.cardinality)
        }
    }

    private func hashesWithCardinality(_ items: [String], hash: (String) -> String, set: (String) -> String)
        async throws -> [(fields: [String: String], cardinality: Int64)] {
        if items.isEmpty { return [] }
        var commands: [[[UInt8]]] = []
        commands.reserveCapacity(items.count * 2)
        for item in items {
            commands.append(["HGETALL", hash(item)].map { Array($0.utf8) })
            commands.append(["SCARD", set(item)].map { Array($0.utf8) })
        }
        let replies = try await redis.pipeline(commands)
        return try items.indices.map { i in
            guard let cardinality = try replies[2 * i + 1].check().int else {
                throw StreamError.unexpectedReply("SCARD \(set(items[i]))", replies[2 * i + 1])
            }
            return (try StoredRows.fields(replies[2 * i]), cardinality)
        }
    }
}
