import BridgeModel
import PostgresClient

/// `legacy.contact_summary` read in pages by key, for callers that must walk a store of any
/// size without holding it in memory (the serving router re-publishing keys that changed owner).
///
/// Pages follow the primary key's own order (the database's collation), not the byte-wise order
/// of `LegacyExport`: keyset pagination only needs an order the index can serve, and the index
/// then makes every page one short range scan.
package struct LegacySummaryPages: Sendable {
    package let postgres: PostgresClient

    package init(postgres: PostgresClient) {
        self.postgres = postgres
    }

    /// Up to `limit` rows whose contact_id comes after `after` (from the start when nil). The
    /// last row's contact_id is the next call's `after`; fewer than `limit` rows means the end.
    package func page(after: String?, limit: Int) async throws -> [ContactSummaryRow] {
        try await postgres.withConnection { conn in
            try conn.query("""
                SELECT \(fragment: SummaryRowReader.selectList)
                  FROM legacy.contact_summary
                 WHERE \(after)::text IS NULL OR contact_id > \(after)::text
                 ORDER BY contact_id
                 LIMIT \(limit)
                """).map { try SummaryRowReader.row($0) }
        }
    }
}
