import BridgeModel
import PostgresClient

/// Reads `ContactSummaryRow`s from PostgreSQL: the select list and the decoding that go
/// together, shared by the outbox relay (legacy.summary_outbox) and the export
/// (legacy.contact_summary), whose summary columns are identical.
enum SummaryRowReader {
    /// The 13 contract columns in contract order. Times come as epoch milliseconds, because
    /// integers round-trip exactly and need no parsing of PostgreSQL's text form.
    static let selectList: PostgresQuery = """
        contact_id, campus_id, first_name, phone, opted_out,
        messages_sent, messages_delivered, messages_failed, replies, campaigns,
        (extract(epoch from first_event_at) * 1000)::bigint,
        (extract(epoch from last_sent_at) * 1000)::bigint,
        (extract(epoch from last_reply_at) * 1000)::bigint
        """

    static let columnCount = 13

    /// Decodes the row whose `selectList` columns start at column `start`.
    static func row(_ r: PostgresRow, from start: Int = 0) throws -> ContactSummaryRow {
        func time(_ i: Int) throws -> Timestamp? { try r.optionalInt(start + i).map(Timestamp.init(millis:)) }
        return ContactSummaryRow(
            contactId: try r.string(start),
            campusId: r.optionalString(start + 1),
            firstName: r.optionalString(start + 2),
            phone: r.optionalString(start + 3),
            optedOut: try r.bool(start + 4),
            messagesSent: try r.int(start + 5),
            messagesDelivered: try r.int(start + 6),
            messagesFailed: try r.int(start + 7),
            replies: try r.int(start + 8),
            campaigns: try r.int(start + 9),
            firstEventAt: try time(10),
            lastSentAt: try time(11),
            lastReplyAt: try time(12))
    }
}
