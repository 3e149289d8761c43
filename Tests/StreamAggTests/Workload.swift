import BridgeModel

/// A random input workload that aims at the contract's corners: duplicate event ids with other
/// content, equal timestamps and updated_at values, ids equal only canonically, byte-order ties
/// that a collating comparison gets wrong, absent and null campaigns, and invalid records.
struct Workload {
    struct Item {
        var topic: InputTopic
        var key: [UInt8]?
        var value: [UInt8]?
    }

    var items: [Item] = []

    static let contactIds: [String] = (1...26).map { "c-\($0)" } + [
        "c-\u{E9}", "c-e\u{301}",       // canonically equal, different bytes: two contacts
        "c-{x}", "\u{1F600}|emoji",
    ]
    /// Never gets a contact record: its row must have null contact fields.
    static let eventsOnlyContact = "c-26"
    static let campuses = ["north", "south", "\u{C9}cole", "east|west"]
    /// Chosen so byte order and a UTF-8 locale's collation disagree ("B" < "a" < "\u{E9}" byte-wise).
    static let eventIds = ["m-1", "m-2", "m-3", "a", "B", "\u{E9}", "m-10", "m-9"]
    static let instants = [
        "2026-11-01T23:59:59.999Z", "2026-11-02T00:00:00.000Z", "2026-11-02T01:00:00.000+01:00",
        "2026-11-02T10:05:00.123456Z", "2026-11-03T05:00:00-08:00", "2026-11-01T12:00:00Z",
    ]

    static func generate(count: Int, using rng: inout SeededGenerator) -> Workload {
        var workload = Workload()
        for _ in 0..<count {
            let contact = contactIds.randomElement(using: &rng)!
            if Int.random(in: 0..<100, using: &rng) < 8 {
                workload.items.append(invalid(contact: contact, using: &rng))
            } else if contact != eventsOnlyContact && Int.random(in: 0..<6, using: &rng) == 0 {
                workload.items.append(contactRecord(contact, using: &rng))
            } else {
                workload.items.append(event(contact, using: &rng))
            }
        }
        return workload
    }

    static func contactRecord(_ id: String, using rng: inout SeededGenerator) -> Item {
        let names = ["Ana", "Bo", "Zo\u{EB}", "\u{5F20}\u{4F1F}", "O\"Brien\\"]
        let text = "{" + [
            "\"contact_id\":\(JSONText.string(id))",
            "\"campus_id\":\(JSONText.string(campuses.randomElement(using: &rng)!))",
            "\"first_name\":\(JSONText.string(names.randomElement(using: &rng)!))",
            "\"phone\":\"+1555000\(Int.random(in: 1000...1003, using: &rng))\"",
            "\"opted_out\":\(Bool.random(using: &rng))",
            "\"updated_at\":\(JSONText.string(instants.randomElement(using: &rng)!))",
            "\"extra\":[1,2]",
        ].joined(separator: ",") + "}"
        return Item(topic: .contacts, key: Array(id.utf8), value: Array(text.utf8))
    }

    static func event(_ id: String, using rng: inout SeededGenerator) -> Item {
        let kind = EventKind.allCases.randomElement(using: &rng)!
        var members = [
            "\"event_id\":\(JSONText.string(eventIds.randomElement(using: &rng)!))",
            "\"contact_id\":\(JSONText.string(id))",
            "\"campus_id\":\(JSONText.string(campuses.randomElement(using: &rng)!))",
            "\"kind\":\"\(kind.rawValue)\"",
            "\"at\":\(JSONText.string(instants.randomElement(using: &rng)!))",
        ]
        switch (kind.requiresCampaign, Int.random(in: 0..<3, using: &rng)) {
        case (true, _), (false, 0): members.append("\"campaign_id\":\"camp-\(Int.random(in: 1...3, using: &rng))\"")
        case (false, 1): members.append("\"campaign_id\":null")
        default: break
        }
        return Item(topic: .messageEvents, key: Array(id.utf8), value: Array(("{" + members.joined(separator: ",") + "}").utf8))
    }

    static func invalid(contact: String, using rng: inout SeededGenerator) -> Item {
        let valid = event(contact, using: &rng)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return Item(topic: .messageEvents, key: valid.key, value: Array("{not json".utf8))
        case 1: return Item(topic: .messageEvents, key: Array("someone-else".utf8), value: valid.value)
        case 2:
            let text = "{\"event_id\":\"m-1\",\"contact_id\":\(JSONText.string(contact)),\"campus_id\":\"north\",\"kind\":\"bounced\",\"at\":\"2026-11-01T10:00:00Z\"}"
            return Item(topic: .messageEvents, key: Array(contact.utf8), value: Array(text.utf8))
        case 3:
            let text = "{\"event_id\":\"m-1\",\"contact_id\":\(JSONText.string(contact)),\"campus_id\":\"north\",\"kind\":\"sent\",\"at\":\"2026-11-01T10:00:00Z\"}"
            return Item(topic: .messageEvents, key: Array(contact.utf8), value: Array(text.utf8))
        default: return Item(topic: .contacts, key: Array(contact.utf8), value: nil)
        }
    }
}
