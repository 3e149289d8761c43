import BridgeModel
import BridgeSupport
import KafkaClient

/// A hand-built input that exercises every rule of the contract the legacy procedures
/// implement: ties on updated_at and on opt events' `at`, duplicate event ids with different
/// content, UTC days crossed by offsets, non-ASCII text, and one of each kind of invalid record.
struct LegacyWorkload {
    var records: [OutgoingRecord] = []
    /// How many of `records` the decoder must refuse.
    var invalidCount = 0

    static let campuses = ["north", "south", "Öst", "west"]

    init(topics: TopicNames) {
        for i in 0..<40 { addContact(i, topics: topics) }
        // A contact seen only through events: its attributes stay null.
        for j in 0..<3 {
            addEvent(topics, contact: "c-events-only", id: "m-\(j)", kind: j == 0 ? "sent" : "reply",
                     campus: "north", campaign: "fall", at: "2026-11-02T0\(j):00:00Z")
        }
        for i in 0..<4 { addInvalid(i, topics: topics) }
    }

    private mutating func addContact(_ i: Int, topics: TopicNames) {
        let id = i == 7 ? "c-ünïcode-7" : "c-\(i < 10 ? "0" : "")\(i)"
        let campus = Self.campuses[i % Self.campuses.count]
        let minute = i % 60 < 10 ? "0\(i % 60)" : "\(i % 60)"
        let updated = "2026-11-01T10:\(minute):00.000Z"
        addContactRecord(topics, id: id, campus: campus, name: i % 2 == 0 ? "Ana \(i)" : "Zoë \(i)",
                         optedOut: i % 4 == 0, updatedAt: updated)
        if i % 3 == 0 {
            // Same updated_at: the later offset wins.
            addContactRecord(topics, id: id, campus: campus, name: "Tie \(i)", optedOut: i % 4 != 0, updatedAt: updated)
        }
        if i % 5 == 0 {
            // Older than what is stored already: must not win although it comes later.
            addContactRecord(topics, id: id, campus: "stale", name: "Old \(i)", optedOut: true,
                             updatedAt: "2026-10-01T10:00:00+02:00")
        }
        let kinds = ["sent", "delivered", "failed", "reply", "sent", "opt_out"]
        for j in 0..<(3 + i % 4) {
            let kind = kinds[(i + j) % kinds.count]
            // Around midnight UTC, some written with a non-UTC offset, some with extra digits.
            let hour = 22 + j % 3
            let at: String
            switch j % 3 {
            case 0: at = "2026-11-01T\(hour):1\(j):00Z"
            case 1: at = "2026-11-02T0\(hour - 22):0\(j):00.123456+02:00"
            default: at = "2026-11-01T21:\(10 + j):00.5-03:00"
            }
            addEvent(topics, contact: id, id: "m-\(i)-\(j)", kind: kind, campus: campus,
                     campaign: kind == "sent" || kind == "delivered" || kind == "failed" ? "camp-\(j % 3)" : nil, at: at)
        }
        if i % 4 == 1 {
            // Same `at`: the byte-wise greater event_id ("o-b") decides: opted out.
            addEvent(topics, contact: id, id: "o-b", kind: "opt_out", campus: campus, campaign: nil, at: "2026-11-03T08:00:00Z")
            addEvent(topics, contact: id, id: "o-a", kind: "opt_in", campus: campus, campaign: nil, at: "2026-11-03T08:00:00Z")
        }
        if i % 6 == 2 {
            // A duplicate event id with different content: the first occurrence counts.
            addEvent(topics, contact: id, id: "m-\(i)-0", kind: "reply", campus: "south", campaign: nil, at: "2026-12-24T12:00:00Z")
            addEvent(topics, contact: id, id: "m-\(i)-1", kind: "sent", campus: campus, campaign: "other", at: "2026-11-05T12:00:00Z")
        }
    }

    private mutating func addInvalid(_ i: Int, topics: TopicNames) {
        let id = "c-0\(i)"
        let valid = event(id: "bad-\(i)", contact: id, kind: "sent", campus: "north", campaign: "fall", at: "2026-11-01T10:00:00Z")
        func invalid(_ topic: String, key: [UInt8]?, value: [UInt8]?) -> OutgoingRecord {
            OutgoingRecord(topic: topic, key: key, value: value)
        }
        let key = Array(id.utf8)
        let badRecords: [OutgoingRecord] = [
            invalid(topics.messageEvents, key: key, value: Array(valid.replacingOccurrences(of: "2026-11-01T10", with: "2026-13-01T10").utf8)),
            invalid(topics.messageEvents, key: key, value: Array(valid.replacingOccurrences(of: "\"sent\"", with: "\"clicked\"").utf8)),
            invalid(topics.messageEvents, key: Array("c-other".utf8), value: Array(valid.utf8)),
            invalid(topics.contacts, key: key, value: nil),
            invalid(topics.contacts, key: key, value: Array("{\"contact_id\":".utf8)),
            invalid(topics.messageEvents, key: key, value: Array(valid.replacingOccurrences(of: "\"campaign_id\":\"fall\",", with: "").utf8)),
        ]
        records += badRecords
        invalidCount += badRecords.count
    }

    private mutating func addContactRecord(_ topics: TopicNames, id: String, campus: String, name: String,
                                           optedOut: Bool, updatedAt: String) {
        let value = "{\"contact_id\":\(JSONText.string(id)),\"campus_id\":\(JSONText.string(campus)),"
            + "\"first_name\":\(JSONText.string(name)),\"phone\":\"+1555000\(id.utf8.count)\","
            + "\"opted_out\":\(optedOut),\"updated_at\":\"\(updatedAt)\",\"extra\":[1,2]}"
        records.append(OutgoingRecord(topic: topics.contacts, key: id, value: value))
    }

    private mutating func addEvent(_ topics: TopicNames, contact: String, id: String, kind: String,
                                   campus: String, campaign: String?, at: String) {
        records.append(OutgoingRecord(topic: topics.messageEvents, key: contact,
                                      value: event(id: id, contact: contact, kind: kind, campus: campus, campaign: campaign, at: at)))
    }

    private func event(id: String, contact: String, kind: String, campus: String, campaign: String?, at: String) -> String {
        "{\"event_id\":\(JSONText.string(id)),\"contact_id\":\(JSONText.string(contact)),"
            + "\"campus_id\":\(JSONText.string(campus)),\"campaign_id\":\(JSONText.optionalString(campaign)),"
            + "\"kind\":\(JSONText.string(kind)),\"at\":\"\(at)\"}"
    }
}
