/// A valid record of the `message-events` topic. `campaignId` is nil only for kinds that do not
/// require one (reply, opt_out, opt_in) and whose record had it absent or null.
///
/// Equality and hashing are byte-wise on the strings (see `ByteString`).
public struct MessageEvent: Sendable, Hashable {
    public var eventId: String
    public var contactId: String
    public var campusId: String
    public var campaignId: String?
    public var kind: EventKind
    public var at: Timestamp

    public init(eventId: String, contactId: String, campusId: String, campaignId: String?,
                kind: EventKind, at: Timestamp) {
        self.eventId = eventId
        self.contactId = contactId
        self.campusId = campusId
        self.campaignId = campaignId
        self.kind = kind
        self.at = at
    }

    public static func == (lhs: MessageEvent, rhs: MessageEvent) -> Bool {
        ByteString.equal(lhs.eventId, rhs.eventId) && ByteString.equal(lhs.contactId, rhs.contactId)
            && ByteString.equal(lhs.campusId, rhs.campusId) && ByteString.equal(lhs.campaignId, rhs.campaignId)
            && lhs.kind == rhs.kind && lhs.at == rhs.at
    }

    public func hash(into hasher: inout Hasher) {
        ByteString.hash(eventId, into: &hasher)
        ByteString.hash(contactId, into: &hasher)
        ByteString.hash(campusId, into: &hasher)
        ByteString.hash(campaignId, into: &hasher)
        hasher.combine(kind)
        hasher.combine(at)
    }
}
