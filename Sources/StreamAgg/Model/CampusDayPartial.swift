import BridgeModel

/// One input partition's share of a `campus_daily` row. Contacts are partition-disjoint (both
/// topics are partitioned by contact_id), so each count, `active_contacts` included, is the sum
/// of the partitions' shares: the row is the sum of its partials, read when it is needed.
struct CampusDayPartial: Sendable, Equatable {
    var sent: Int64 = 0
    var delivered: Int64 = 0
    var failed: Int64 = 0
    var replies: Int64 = 0
    var optOuts: Int64 = 0
    var activeContacts: Int64 = 0

    /// Counts an event that survived the dedupe; `newActive` says whether its contact had no
    /// counted event on this campus-day before.
    mutating func count(_ kind: EventKind, newActive: Bool) {
        switch kind {
        case .sent: sent += 1
        case .delivered: delivered += 1
        case .failed: failed += 1
        case .reply: replies += 1
        case .optOut: optOuts += 1
        case .optIn: break
        }
        if newActive { activeContacts += 1 }
    }

    static func + (a: CampusDayPartial, b: CampusDayPartial) -> CampusDayPartial {
        CampusDayPartial(sent: a.sent + b.sent, delivered: a.delivered + b.delivered, failed: a.failed + b.failed,
                         replies: a.replies + b.replies, optOuts: a.optOuts + b.optOuts,
                         activeContacts: a.activeContacts + b.activeContacts)
    }

    func row(_ key: CampusDayKey) -> CampusDailyRow {
        CampusDailyRow(campusId: key.campusId, day: key.day, sent: sent, delivered: delivered, failed: failed,
                       replies: replies, optOuts: optOuts, activeContacts: activeContacts)
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 16)
        for n in [sent, delivered, failed, replies, optOuts, activeContacts] { w.count(n) }
        return w.bytes
    }

    init(sent: Int64 = 0, delivered: Int64 = 0, failed: Int64 = 0, replies: Int64 = 0, optOuts: Int64 = 0, activeContacts: Int64 = 0) {
        (self.sent, self.delivered, self.failed, self.replies, self.optOuts, self.activeContacts) =
            (sent, delivered, failed, replies, optOuts, activeContacts)
    }

    init?(decoding bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let s = r.count(), let d = r.count(), let f = r.count(), let rp = r.count(), let o = r.count(),
              let a = r.count(), r.isAtEnd else { return nil }
        self.init(sent: s, delivered: d, failed: f, replies: rp, optOuts: o, activeContacts: a)
    }
}
