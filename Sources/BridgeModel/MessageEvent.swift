/// A valid record of the `message-events` topic. `campaignId` is nil only for kinds that do not
/// require one (reply, opt_out, opt_in) and whose record had it absent or null.
///
/// Equality and hashing are byte-wise on the strings (see `ByteString`).
package struct MessageEvent: Sendable, Hashable {
    package var eventId: String
    package var contactId: String
    package var campusId: String
    package var campaignId: String?
    package var kind: EventKind
    package var at: Timestamp

    package init(eventId: String, contactId: String, campusId: String, campaignId: String?,
                kind: EventKind, at: Timestamp) {
        self.eventId = eventId
        self.contactId = contactId
        self.campusId = campusId
        self.campaignId = campaignId
        self.kind = kind
        self.at = at
    }

    package static func == (lhs: MessageEvent, rhs: MessageEvent) -> Bool {
        ByteString.equal(lhs.eventId, rhs.eventId) && ByteString.equal(lhs.contactId, rhs.contactId)
            && ByteString.equal(lhs.campusId, rhs.campusId) && ByteString.equal(lhs.campaignId, rhs.campaignId)
            && lhs.kind == rhs.kind && lhs.at == rhs.at
    }

    package func hash(into hasher: inout Hasher) {
        ByteString.hash(eventId, into: &hasher)
        ByteString.hash(contactId, into: &hasher)
        ByteString.hash(campusId, into: &hasher)
        ByteString.hash(campaignId, into: &hasher)
        hasher.combine(kind)
        hasher.combine(at)
    }
}
