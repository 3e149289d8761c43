/// Everything `ReferenceFold` remembers about one contact: enough to answer every
/// `contact_summary` column, written the plain way (sets, not sketches).
struct ContactFoldState: Sendable {
    /// The winning contact record and its (updated_at, offset) rank.
    var latestContact: (update: ContactUpdate, offset: Int64)?
    /// The winning opt_out/opt_in event, ranked by (at, event_id bytes).
    var latestOpt: (at: Timestamp, eventId: String, kind: EventKind)?
    /// Event ids already counted: the dedupe set, kept forever as the contract demands.
    var seenEventIds: Set<ByteKey> = []
    var sent: Int64 = 0
    var delivered: Int64 = 0
    var failed: Int64 = 0
    var replies: Int64 = 0
    var campaignIds: Set<ByteKey> = []
    var firstEventAt: Timestamp?
    var lastSentAt: Timestamp?
    var lastReplyAt: Timestamp?

    mutating func apply(_ update: ContactUpdate, offset: Int64) {
        if let current = latestContact,
           (current.update.updatedAt, current.offset) >= (update.updatedAt, offset) {
            return
        }
        latestContact = (update, offset)
    }

    /// Returns false for a duplicate (contact_id, event_id), which changes nothing anywhere.
    mutating func apply(_ event: MessageEvent) -> Bool {
        guard seenEventIds.insert(ByteKey(event.eventId)).inserted else { return false }
        switch event.kind {
        case .sent:
            sent += 1
            if let campaign = event.campaignId { campaignIds.insert(ByteKey(campaign)) }
            lastSentAt = max(lastSentAt ?? event.at, event.at)
        case .delivered:
            delivered += 1
        case .failed:
            failed += 1
        case .reply:
            replies += 1
            lastReplyAt = max(lastReplyAt ?? event.at, event.at)
        case .optOut, .optIn:
            if let current = latestOpt,
               current.at > event.at || (current.at == event.at && !ByteString.less(current.eventId, event.eventId)) {
                break
            }
            latestOpt = (event.at, event.eventId, event.kind)
        }
        firstEventAt = min(firstEventAt ?? event.at, event.at)
        return true
    }

    func row(contactId: String) -> ContactSummaryRow {
        let contact = latestContact?.update
        let optedOut = latestOpt.map { $0.kind == .optOut } ?? contact?.optedOut ?? false
        return ContactSummaryRow(
            contactId: contactId, campusId: contact?.campusId, firstName: contact?.firstName,
            phone: contact?.phone, optedOut: optedOut, messagesSent: sent,
            messagesDelivered: delivered, messagesFailed: failed, replies: replies,
            campaigns: Int64(campaignIds.count), firstEventAt: firstEventAt,
            lastSentAt: lastSentAt, lastReplyAt: lastReplyAt)
    }
}
