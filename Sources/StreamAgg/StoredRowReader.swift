import BridgeModel
import RedisClient

/// Reads finished rows out of Redis: each row is a hash plus the cardinality of one set (the
/// contact's campaigns, the campus-day's active contacts), fetched for many keys in a single
/// pipelined round trip. The batch step, the export, the comparator and the router share it.
struct StoredRowReader: Sendable {
    let redis: RedisClient
    let keys: StreamKeys

    func contacts(_ ids: [String]) async throws -> [ContactSummaryRow] {
        try await storedContacts(ids).map(\.row)
    }

    /// Rows with their applied-offset metadata. Each contact's hash and campaign count are read
    /// in one MULTI/EXEC, so a fold running meanwhile cannot give a row whose counts and
    /// metadata disagree.
    func storedContacts(_ ids: [String]) async throws -> [StoredContact] {
        if ids.isEmpty { return [] }
        var commands: [[[UInt8]]] = []
        commands.reserveCapacity(ids.count * 4)
        for id in ids {
            commands.append([Array("MULTI".utf8)])
            commands.append(["HGETALL", keys.contactState(id)].map { Array($0.utf8) })
            commands.append(["SCARD", keys.contactCampaigns(id)].map { Array($0.utf8) })
            commands.append([Array("EXEC".utf8)])
        }
        let replies = try await redis.pipeline(commands)
        return try ids.enumerated().map { i, id in
            let exec = replies[4 * i + 3]
            guard let parts = try exec.check().array, parts.count == 2, let campaigns = try parts[1].check().int else {
                throw StreamError.unexpectedReply("EXEC (HGETALL, SCARD) of \(id)", exec)
            }
            let fields = try StoredRows.fields(parts[0])
            return StoredContact(row: try StoredRows.contact(contactId: id, fields: fields, campaigns: campaigns),
                                 lastApplied: StreamExport.metadata(fields, topicPrefix: keys.prefix))
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
