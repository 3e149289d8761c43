import BridgeModel

/// Members of a partition's seen set: the facts the contract asks to remember for all time,
/// one Redis set member each, so a batch asks for all of them in one SMISMEMBER and adds the new
/// ones in one SADD.
///
/// Each member is a kind byte, the contact_id with its byte length in front (so no separator
/// inside an id can make two members collide), then the rest:
/// - `e` + event_id: the (contact_id, event_id) pair was counted (the dedupe);
/// - `k` + campaign_id: the contact sent in that campaign (the distinct campaign count);
/// - `a` + day number + campus_id: the contact had a counted event that campus-day (active_contacts).
enum SeenMember {
    static func event(contact: String, eventId: String) -> [UInt8] {
        var w = prefix(UInt8(ascii: "e"), contact)
        w.raw(eventId.utf8)
        return w.bytes
    }

    static func campaign(contact: String, campaignId: String) -> [UInt8] {
        var w = prefix(UInt8(ascii: "k"), contact)
        w.raw(campaignId.utf8)
        return w.bytes
    }

    static func active(contact: String, day: CampusDayKey) -> [UInt8] {
        var w = prefix(UInt8(ascii: "a"), contact)
        w.signed(day.day.daysSinceEpoch)
        w.raw(day.campusId.utf8)
        return w.bytes
    }

    private static func prefix(_ kind: UInt8, _ contact: String) -> ByteWriter {
        var w = ByteWriter(capacity: 48)
        w.byte(kind)
        w.string(contact)
        return w
    }
}
