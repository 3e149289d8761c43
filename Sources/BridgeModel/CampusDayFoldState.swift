/// What `ReferenceFold` remembers about one (campus, UTC day): the counts and the set of contacts
/// behind `active_contacts`.
struct CampusDayFoldState: Sendable {
    var sent: Int64 = 0
    var delivered: Int64 = 0
    var failed: Int64 = 0
    var replies: Int64 = 0
    var optOuts: Int64 = 0
    var contactIds: Set<ByteKey> = []

    /// Only for events that survived the (contact_id, event_id) dedupe.
    mutating func apply(_ event: MessageEvent) {
        switch event.kind {
        case .sent: sent += 1
        case .delivered: delivered += 1
        case .failed: failed += 1
        case .reply: replies += 1
        case .optOut: optOuts += 1
        case .optIn: break
        }
        contactIds.insert(ByteKey(event.contactId))
    }

    func row(_ key: CampusDayKey) -> CampusDailyRow {
        CampusDailyRow(campusId: key.campusId, day: key.day, sent: sent, delivered: delivered,
                       failed: failed, replies: replies, optOuts: optOuts,
                       activeContacts: Int64(contactIds.count))
    }
}
