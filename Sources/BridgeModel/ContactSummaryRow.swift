/// One row of `contact_summary`, in the form both paths publish and both stores export.
///
/// Equality and hashing are byte-wise on the strings (see `ByteString`), so the comparator never
/// calls two rows equal that PostgreSQL would store differently.
package struct ContactSummaryRow: Sendable, Hashable {
    package var contactId: String
    package var campusId: String?
    package var firstName: String?
    package var phone: String?
    package var optedOut: Bool
    package var messagesSent: Int64
    package var messagesDelivered: Int64
    package var messagesFailed: Int64
    package var replies: Int64
    package var campaigns: Int64
    package var firstEventAt: Timestamp?
    package var lastSentAt: Timestamp?
    package var lastReplyAt: Timestamp?

    package init(contactId: String, campusId: String? = nil, firstName: String? = nil, phone: String? = nil,
                optedOut: Bool = false, messagesSent: Int64 = 0, messagesDelivered: Int64 = 0,
                messagesFailed: Int64 = 0, replies: Int64 = 0, campaigns: Int64 = 0,
                firstEventAt: Timestamp? = nil, lastSentAt: Timestamp? = nil, lastReplyAt: Timestamp? = nil) {
        self.contactId = contactId
        self.campusId = campusId
        self.firstName = firstName
        self.phone = phone
        self.optedOut = optedOut
        self.messagesSent = messagesSent
        self.messagesDelivered = messagesDelivered
        self.messagesFailed = messagesFailed
        self.replies = replies
        self.campaigns = campaigns
        self.firstEventAt = firstEventAt
        self.lastSentAt = lastSentAt
        self.lastReplyAt = lastReplyAt
    }

    /// The contract's column order, which is also the JSON member order.
    package static let fieldNames: [String] = [
        "contact_id", "campus_id", "first_name", "phone", "opted_out", "messages_sent",
        "messages_delivered", "messages_failed", "replies", "campaigns", "first_event_at",
        "last_sent_at", "last_reply_at",
    ]

    /// Each field's canonical JSON text, in `fieldNames` order, for field-by-field diffs.
    package var fieldValues: [(name: String, json: String)] {
        let values = [
            JSONText.string(contactId),
            JSONText.optionalString(campusId),
            JSONText.optionalString(firstName),
            JSONText.optionalString(phone),
            optedOut ? "true" : "false",
            String(messagesSent),
            String(messagesDelivered),
            String(messagesFailed),
            String(replies),
            String(campaigns),
            JSONText.optionalTimestamp(firstEventAt),
            JSONText.optionalTimestamp(lastSentAt),
            JSONText.optionalTimestamp(lastReplyAt),
        ]
        return Array(zip(Self.fieldNames, values).map { (name: $0.0, json: $0.1) })
    }

    /// The canonical JSON object: members in `fieldNames` order, no whitespace, timestamps in
    /// canonical form or null. Equal rows give identical text.
    package var json: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// `json`'s UTF-8 bytes, written directly (what the paths publish).
    package var jsonBytes: [UInt8] {
        var w = RowJSON.Writer(capacity: 320)
        w.string("contact_id", contactId)
        w.string("campus_id", campusId)
        w.string("first_name", firstName)
        w.string("phone", phone)
        w.bool("opted_out", optedOut)
        w.integer("messages_sent", messagesSent)
        w.integer("messages_delivered", messagesDelivered)
        w.integer("messages_failed", messagesFailed)
        w.integer("replies", replies)
        w.integer("campaigns", campaigns)
        w.timestamp("first_event_at", firstEventAt)
        w.timestamp("last_sent_at", lastSentAt)
        w.timestamp("last_reply_at", lastReplyAt)
        return w.finish()
    }

    /// Parses the JSON form back. Strict: every field must be present (nullable ones as null),
    /// with its JSON type; unknown members are refused. Throws a `Rejection`.
    package init(json: some Collection<UInt8>) throws {
        let f = FieldReader(try JSONObjectParser.parse(json))
        try f.rejectUnknownFields(allowed: Self.fieldNames)
        self.init(contactId: try f.string("contact_id"),
                  campusId: try f.nullableString("campus_id"),
                  firstName: try f.nullableString("first_name"),
                  phone: try f.nullableString("phone"),
                  optedOut: try f.bool("opted_out"),
                  messagesSent: try f.int64("messages_sent"),
                  messagesDelivered: try f.int64("messages_delivered"),
                  messagesFailed: try f.int64("messages_failed"),
                  replies: try f.int64("replies"),
                  campaigns: try f.int64("campaigns"),
                  firstEventAt: try f.nullableTimestamp("first_event_at"),
                  lastSentAt: try f.nullableTimestamp("last_sent_at"),
                  lastReplyAt: try f.nullableTimestamp("last_reply_at"))
    }

    package static func == (lhs: ContactSummaryRow, rhs: ContactSummaryRow) -> Bool {
        ByteString.equal(lhs.contactId, rhs.contactId) && ByteString.equal(lhs.campusId, rhs.campusId)
            && ByteString.equal(lhs.firstName, rhs.firstName) && ByteString.equal(lhs.phone, rhs.phone)
            && lhs.optedOut == rhs.optedOut && lhs.messagesSent == rhs.messagesSent
            && lhs.messagesDelivered == rhs.messagesDelivered && lhs.messagesFailed == rhs.messagesFailed
            && lhs.replies == rhs.replies && lhs.campaigns == rhs.campaigns
            && lhs.firstEventAt == rhs.firstEventAt && lhs.lastSentAt == rhs.lastSentAt
            && lhs.lastReplyAt == rhs.lastReplyAt
    }

    package func hash(into hasher: inout Hasher) {
        ByteString.hash(contactId, into: &hasher)
        ByteString.hash(campusId, into: &hasher)
        ByteString.hash(firstName, into: &hasher)
        ByteString.hash(phone, into: &hasher)
        hasher.combine(optedOut)
        hasher.combine(messagesSent)
        hasher.combine(messagesDelivered)
        hasher.combine(messagesFailed)
        hasher.combine(replies)
        hasher.combine(campaigns)
        hasher.combine(firstEventAt)
        hasher.combine(lastSentAt)
        hasher.combine(lastReplyAt)
    }
}
