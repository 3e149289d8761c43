import BridgeModel
import RedisClient

/// What one `ContactFoldScript` call did and the contact's resulting summary.
struct ContactFoldResult: Sendable {
    var applied: Int
    var skipped: Int
    var duplicates: Int
    var changed: Bool
    var summary: ContactSummaryRow
    /// "campus|day" of the events applied now or skipped as applied before.
    var touchedDays: [String]

    /// Worth publishing: it changed, or a replay found it applied before, when the earlier
    /// run may have crashed before publishing it.
    var needsPublish: Bool { changed || skipped > 0 }

    init(reply: RedisReply, contactId: String) throws {
        guard let items = try reply.check().array, items.count == 7,
              let applied = items[0].int, let skipped = items[1].int, let duplicates = items[2].int,
              let changed = items[3].int, let campaigns = items[4].int, let touched = items[6].array else {
            throw StreamError.unexpectedReply("contact fold of \(contactId)", reply)
        }
        self.applied = Int(applied)
        self.skipped = Int(skipped)
        self.duplicates = Int(duplicates)
        self.changed = changed != 0
        summary = try StoredRows.contact(contactId: contactId, fields: try StoredRows.fields(items[5]), campaigns: campaigns)
        touchedDays = touched.compactMap(\.string)
    }
}
