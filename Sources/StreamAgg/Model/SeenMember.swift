import BridgeModel

/// Members of a partition's seen set: the facts the contract asks to remember for all time,
/// one Redis set member each, so a batch asks for all it needs in one SMISMEMBER and adds the
/// new ones in one SADD.
///
/// Each member is a kind byte, the contact_id with its byte length in front (so no separator
/// inside an id can make two members collide), then the rest:
/// - `e` + event_id: the (contact_id, event_id) pair was counted (the dedupe), for every event;
/// - `k` + campaign_id: the contact sent in that campaign (the distinct campaign count), and
/// - `a` + day number + campus_id: the contact had a counted event that campus-day
///   (active_contacts), both only for contacts whose row outgrew its `RowMemo`.
struct SeenMember: Hashable, Sendable {
    let bytes: [UInt8]

    static func event(contact: String, eventId: String) -> SeenMember {
        var w = prefix(UInt8(ascii: "e"), contact)
        w.raw(eventId.utf8)
        return SeenMember(bytes: w.bytes)
    }

    static func campaign(contact: String, campaignId: String) -> SeenMember {
        var w = prefix(UInt8(ascii: "k"), contact)
        w.raw(campaignId.utf8)
        return SeenMember(bytes: w.bytes)
    }

    static func active(contact: String, day: ActiveDay) -> SeenMember {
        var w = prefix(UInt8(ascii: "a"), contact)
        w.signed(day.day)
        w.raw(day.campusId.utf8)
        return SeenMember(bytes: w.bytes)
    }

    // [UInt8]'s own hashing feeds the hasher byte by byte; members are hashed once per lookup
    // on the fold's hot path, so they go in as one block.
    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    private static func prefix(_ kind: UInt8, _ contact: String) -> ByteWriter {
        var w = ByteWriter(capacity: 48)
        w.byte(kind)
        w.string(contact)
        return w
    }
}
