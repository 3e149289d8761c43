import BridgeModel

/// What the stream path keeps per contact: exactly enough to answer every `contact_summary`
/// column (contract section 2) and to fold further records into it. The sets the definitions
/// need (event ids for the dedupe, campaign ids for the distinct count) live in the partition's
/// seen set in Redis (`SeenMember`), not here, so a row stays a few dozen bytes however long
/// the contact's history.
///
/// `ReferenceFold` (BridgeModel) is the plain-sets oracle this fold is tested against.
struct ContactAggregate: Sendable, Equatable {
    /// The winning contact record, ranked by (updated_at, offset).
    struct LatestContact: Sendable, Equatable {
        var campusId: String
        var firstName: String
        var phone: String
        var optedOut: Bool
        var updatedAt: Int64
        var offset: Int64

        static func == (a: LatestContact, b: LatestContact) -> Bool {
            a.updatedAt == b.updatedAt && a.offset == b.offset && a.optedOut == b.optedOut
                && ByteString.equal(a.campusId, b.campusId) && ByteString.equal(a.firstName, b.firstName)
                && ByteString.equal(a.phone, b.phone)
        }
    }

    /// The winning opt_out/opt_in event, ranked by (at, event_id bytes).
    struct LatestOpt: Sendable, Equatable {
        var at: Int64
        var eventId: String
        var optedOut: Bool

        static func == (a: LatestOpt, b: LatestOpt) -> Bool {
            a.at == b.at && a.optedOut == b.optedOut && ByteString.equal(a.eventId, b.eventId)
        }
    }

    var contact: LatestContact?
    var opt: LatestOpt?
    var sent: Int64 = 0
    var delivered: Int64 = 0
    var failed: Int64 = 0
    var replies: Int64 = 0
    var campaigns: Int64 = 0
    var firstEventAt: Int64?
    var lastSentAt: Int64?
    var lastReplyAt: Int64?
    /// The campaigns the contact sent in (behind `campaigns`), and the campus-days it was
    /// active on (behind each day's `active_contacts`), in the row while few (`RowMemo`).
    var campaignIds = RowMemo<ByteKey>()
    var activeDays = RowMemo<ActiveDay>()

    static let campaignMemoCapacity = 16
    static let activeDayMemoCapacity = 8

    /// Applies a contact record at `offset` of its partition; true when it wins (the row's
    /// contact fields may have changed).
    mutating func apply(_ update: ContactUpdate, offset: Int64) -> Bool {
        let updatedAt = update.updatedAt.millis
        if let current = contact, (current.updatedAt, current.offset) >= (updatedAt, offset) { return false }
        contact = LatestContact(campusId: update.campusId, firstName: update.firstName, phone: update.phone,
                                optedOut: update.optedOut, updatedAt: updatedAt, offset: offset)
        return true
    }

    /// Counts an event that survived the (contact_id, event_id) dedupe. `newCampaign` says
    /// whether a sent event's campaign_id is one the contact had not sent before.
    mutating func count(_ event: MessageEvent, newCampaign: Bool) {
        let at = event.at.millis
        switch event.kind {
        case .sent:
            sent += 1
            if newCampaign { campaigns += 1 }
            lastSentAt = max(lastSentAt ?? at, at)
        case .delivered:
            delivered += 1
        case .failed:
            failed += 1
        case .reply:
            replies += 1
            lastReplyAt = max(lastReplyAt ?? at, at)
        case .optOut, .optIn:
            if let current = opt, current.at > at || (current.at == at && !ByteString.less(current.eventId, event.eventId)) {
                break
            }
            opt = LatestOpt(at: at, eventId: event.eventId, optedOut: event.kind == .optOut)
        }
        firstEventAt = min(firstEventAt ?? at, at)
    }

    /// Whether both give the same `contact_summary` row (what a batch publishes and digests),
    /// without building the rows.
    func sameRow(as other: ContactAggregate) -> Bool {
        guard sent == other.sent, delivered == other.delivered, failed == other.failed, replies == other.replies,
              campaigns == other.campaigns, firstEventAt == other.firstEventAt, lastSentAt == other.lastSentAt,
              lastReplyAt == other.lastReplyAt, optedOut == other.optedOut else { return false }
        switch (contact, other.contact) {
        case (nil, nil): return true
        case let (a?, b?):
            return ByteString.equal(a.campusId, b.campusId) && ByteString.equal(a.firstName, b.firstName) && ByteString.equal(a.phone, b.phone)
        default: return false
        }
    }

    /// The row's opted_out: `opt` (the latest opt event) wins over the contact record's flag.
    var optedOut: Bool { opt?.optedOut ?? contact?.optedOut ?? false }

    func row(contactId: String) -> ContactSummaryRow {
        ContactSummaryRow(
            contactId: contactId, campusId: contact?.campusId, firstName: contact?.firstName, phone: contact?.phone,
            optedOut: optedOut,
            messagesSent: sent, messagesDelivered: delivered, messagesFailed: failed, replies: replies,
            campaigns: campaigns, firstEventAt: firstEventAt.map(Timestamp.init(millis:)),
            lastSentAt: lastSentAt.map(Timestamp.init(millis:)), lastReplyAt: lastReplyAt.map(Timestamp.init(millis:)))
    }
}

/// A contact's stored form: its aggregate plus the digest of the row it gives (so a change
/// subtracts the old digest from its bucket's sum without recomputing it) and its bucket.
///
/// A class, not a struct: Swift 6.3 disagreed with itself about where `Optional<StoredAggregate>`
/// keeps its `nil` when this was a struct (static code read the runtime's `nil` as a value, and a
/// failable initialiser's `nil` came back as a zeroed row). An optional reference is a null
/// pointer everywhere.
final class StoredAggregate: Sendable, Equatable {
    static let version: UInt8 = 1

    let aggregate: ContactAggregate
    let digest: UInt64
    let bucket: Int

    static func == (a: StoredAggregate, b: StoredAggregate) -> Bool {
        a.aggregate == b.aggregate && a.digest == b.digest && a.bucket == b.bucket
    }

    private enum Flag {
        static let contact: UInt8 = 1, contactOptedOut: UInt8 = 2, opt: UInt8 = 4, optOut: UInt8 = 8
        static let firstEvent: UInt8 = 16, lastSent: UInt8 = 32, lastReply: UInt8 = 64
        // Second flags byte.
        static let campaignsSpilled: UInt8 = 1, activeDaysSpilled: UInt8 = 2
    }

    func encoded() -> [UInt8] {
        let a = aggregate
        var w = ByteWriter(capacity: 96)
        w.byte(Self.version)
        var flags: UInt8 = 0
        if let c = a.contact { flags |= Flag.contact; if c.optedOut { flags |= Flag.contactOptedOut } }
        if let o = a.opt { flags |= Flag.opt; if o.optedOut { flags |= Flag.optOut } }
        if a.firstEventAt != nil { flags |= Flag.firstEvent }
        if a.lastSentAt != nil { flags |= Flag.lastSent }
        if a.lastReplyAt != nil { flags |= Flag.lastReply }
        w.byte(flags)
        w.byte((a.campaignIds.spilled ? Flag.campaignsSpilled : 0) | (a.activeDays.spilled ? Flag.activeDaysSpilled : 0))
        w.varint(UInt64(bucket))
        w.varint(digest)
        if let c = a.contact {
            w.string(c.campusId); w.string(c.firstName); w.string(c.phone)
            w.signed(c.updatedAt); w.count(c.offset)
        }
        if let o = a.opt { w.signed(o.at); w.string(o.eventId) }
        w.count(a.sent); w.count(a.delivered); w.count(a.failed); w.count(a.replies); w.count(a.campaigns)
        if let t = a.firstEventAt { w.signed(t) }
        if let t = a.lastSentAt { w.signed(t) }
        if let t = a.lastReplyAt { w.signed(t) }
        w.varint(UInt64(a.campaignIds.items.count))
        for id in a.campaignIds.items { w.string(id.string) }
        w.varint(UInt64(a.activeDays.items.count))
        for day in a.activeDays.items { w.string(day.campusId); w.signed(day.day) }
        return w.bytes
    }

    /// nil when the bytes are not a row this version wrote.
    static func decode(_ bytes: [UInt8]) -> StoredAggregate? {
        var r = ByteReader(bytes)
        guard r.byte() == Self.version, let flags = r.byte(), let flags2 = r.byte(), let bucket = r.varint(), bucket < 4096,
              let digest = r.varint() else { return nil }
        var a = ContactAggregate()
        if flags & Flag.contact != 0 {
            guard let campus = r.string(), let first = r.string(), let phone = r.string(),
                  let updated = r.signed(), let offset = r.count() else { return nil }
            a.contact = .init(campusId: campus, firstName: first, phone: phone,
                              optedOut: flags & Flag.contactOptedOut != 0, updatedAt: updated, offset: offset)
        }
        if flags & Flag.opt != 0 {
            guard let at = r.signed(), let id = r.string() else { return nil }
            a.opt = .init(at: at, eventId: id, optedOut: flags & Flag.optOut != 0)
        }
        guard let s = r.count(), let d = r.count(), let f = r.count(), let rp = r.count(), let k = r.count() else { return nil }
        (a.sent, a.delivered, a.failed, a.replies, a.campaigns) = (s, d, f, rp, k)
        if flags & Flag.firstEvent != 0 { guard let t = r.signed() else { return nil }; a.firstEventAt = t }
        if flags & Flag.lastSent != 0 { guard let t = r.signed() else { return nil }; a.lastSentAt = t }
        if flags & Flag.lastReply != 0 { guard let t = r.signed() else { return nil }; a.lastReplyAt = t }
        guard let campaignCount = r.varint(), campaignCount <= UInt64(bytes.count) else { return nil }
        var campaignIds: [ByteKey] = []
        for _ in 0..<campaignCount { guard let id = r.string() else { return nil }; campaignIds.append(ByteKey(id)) }
        a.campaignIds = RowMemo(items: campaignIds, spilled: flags2 & Flag.campaignsSpilled != 0)
        guard let dayCount = r.varint(), dayCount <= UInt64(bytes.count) else { return nil }
        var days: [ActiveDay] = []
        for _ in 0..<dayCount {
            guard let campus = r.string(), let day = r.signed() else { return nil }
            days.append(ActiveDay(campusId: campus, day: day))
        }
        a.activeDays = RowMemo(items: days, spilled: flags2 & Flag.activeDaysSpilled != 0)
        guard r.isAtEnd else { return nil }
        return StoredAggregate(aggregate: a, digest: digest, bucket: Int(bucket))
    }

    init(aggregate: ContactAggregate, digest: UInt64, bucket: Int) {
        self.aggregate = aggregate
        self.digest = digest
        self.bucket = bucket
    }
}
