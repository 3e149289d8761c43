import BridgeModel
import PostgresClient

/// The legacy store's aggregates as rows, for `bridge export --source legacy` and the
/// comparator. Ordered like `ReferenceFold`'s rows: strings byte-wise (COLLATE "C", whatever
/// the database's default collation), then day.
public struct LegacyExport: Sendable {
    public let postgres: PostgresClient

    public init(postgres: PostgresClient) {
        self.postgres = postgres
    }

    public func contactSummaries() async throws -> [ContactSummaryRow] {
        try await postgres.withConnection { conn in
            try conn.query("""
                SELECT \(SummaryRowReader.selectList)
                  FROM legacy.contact_summary
                 ORDER BY contact_id COLLATE "C"
                """).map { try SummaryRowReader.row($0) }
        }
    }

    public func campusDaily() async throws -> [CampusDailyRow] {
        try await postgres.withConnection { conn in
            // The day as a day number avoids depending on the session's DateStyle.
            try conn.query("""
                SELECT campus_id, (day - DATE '1970-01-01')::bigint,
                       sent, delivered, failed, replies, opt_outs, active_contacts
                  FROM legacy.campus_daily
                 ORDER BY campus_id COLLATE "C", day
                """).map { r in
                CampusDailyRow(campusId: try r.string(0), day: Day(daysSinceEpoch: try r.int(1)),
                               sent: try r.int(2), delivered: try r.int(3), failed: try r.int(4),
                               replies: try r.int(5), optOuts: try r.int(6), activeContacts: try r.int(7))
            }
        }
    }
}
