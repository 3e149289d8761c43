/// One row of `campus_daily`, in the form both paths publish and both stores export.
/// Equality and hashing are byte-wise on `campusId` (see `ByteString`).
package struct CampusDailyRow: Sendable, Hashable {
    package var campusId: String
    package var day: Day
    package var sent: Int64
    package var delivered: Int64
    package var failed: Int64
    package var replies: Int64
    package var optOuts: Int64
    package var activeContacts: Int64

    package init(campusId: String, day: Day, sent: Int64 = 0, delivered: Int64 = 0, failed: Int64 = 0,
                replies: Int64 = 0, optOuts: Int64 = 0, activeContacts: Int64 = 0) {
        self.campusId = campusId
        self.day = day
        self.sent = sent
        self.delivered = delivered
        self.failed = failed
        self.replies = replies
        self.optOuts = optOuts
        self.activeContacts = activeContacts
    }

    package var key: CampusDayKey { CampusDayKey(campusId: campusId, day: day) }

    /// The contract's column order, which is also the JSON member order.
    package static let fieldNames: [String] = [
        "campus_id", "day", "sent", "delivered", "failed", "replies", "opt_outs", "active_contacts",
    ]

    /// Each field's canonical JSON text, in `fieldNames` order, for field-by-field diffs.
    package var fieldValues: [(name: String, json: String)] {
        let values = [
            JSONText.string(campusId),
            "\"\(day.iso)\"",
            String(sent),
            String(delivered),
            String(failed),
            String(replies),
            String(optOuts),
            String(activeContacts),
        ]
        return Array(zip(Self.fieldNames, values).map { (name: $0.0, json: $0.1) })
    }

    /// The canonical JSON object: members in `fieldNames` order, no whitespace.
    package var json: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// `json`'s UTF-8 bytes, written directly (what the stream path publishes).
    package var jsonBytes: [UInt8] {
        var w = RowJSON.Writer(capacity: 200)
        w.string("campus_id", campusId)
        w.day("day", day)
        w.integer("sent", sent)
        w.integer("delivered", delivered)
        w.integer("failed", failed)
        w.integer("replies", replies)
        w.integer("opt_outs", optOuts)
        w.integer("active_contacts", activeContacts)
        return w.finish()
    }

    /// Parses the JSON form back. Strict: every field present with its JSON type, `day` exactly
    /// "YYYY-MM-DD", unknown members refused. Throws a `Rejection`.
    package init(json: some Collection<UInt8>) throws {
        let f = FieldReader(try JSONObjectParser.parse(json))
        try f.rejectUnknownFields(allowed: Self.fieldNames)
        let campusId = try f.string("campus_id")
        let dayText = try f.string("day")
        guard let day = Day.parse(dayText) else {
            throw Rejection(code: .invalidValue, reason: "field 'day': expected a date YYYY-MM-DD, found \(ReasonText.quoted(dayText))")
        }
        self.init(campusId: campusId, day: day,
                  sent: try f.int64("sent"),
                  delivered: try f.int64("delivered"),
                  failed: try f.int64("failed"),
                  replies: try f.int64("replies"),
                  optOuts: try f.int64("opt_outs"),
                  activeContacts: try f.int64("active_contacts"))
    }

    package static func == (lhs: CampusDailyRow, rhs: CampusDailyRow) -> Bool {
        lhs.key == rhs.key && lhs.sent == rhs.sent && lhs.delivered == rhs.delivered
            && lhs.failed == rhs.failed && lhs.replies == rhs.replies && lhs.optOuts == rhs.optOuts
            && lhs.activeContacts == rhs.activeContacts
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(sent)
        hasher.combine(delivered)
        hasher.combine(failed)
        hasher.combine(replies)
        hasher.combine(optOuts)
        hasher.combine(activeContacts)
    }
}
