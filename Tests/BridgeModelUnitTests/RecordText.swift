import BridgeModel

/// Builds input record values member by member, so each test states only the member it breaks.
/// Member values are raw JSON text; nil leaves the member out.
struct RecordText {
    var members: [(name: String, json: String?)]

    static func contact(id: String = "c-1") -> RecordText {
        RecordText(members: [
            ("contact_id", JSONText.string(id)),
            ("campus_id", #""north""#),
            ("first_name", #""Ana""#),
            ("phone", #""+15550001234""#),
            ("opted_out", "false"),
            ("updated_at", #""2026-11-01T10:00:00.000Z""#),
        ])
    }

    static func event(id: String = "m-1", contact: String = "c-1", kind: String = "sent",
                      at: String = "2026-11-01T10:05:00.000Z", campus: String = "north",
                      campaign: String? = "fall-enroll") -> RecordText {
        RecordText(members: [
            ("event_id", JSONText.string(id)),
            ("contact_id", JSONText.string(contact)),
            ("campus_id", JSONText.string(campus)),
            ("campaign_id", campaign.map(JSONText.string)),
            ("kind", JSONText.string(kind)),
            ("at", JSONText.string(at)),
        ])
    }

    /// Replaces the member's value (raw JSON, nil removes it), or appends it when new.
    func with(_ name: String, _ json: String?) -> RecordText {
        var copy = self
        if let i = copy.members.firstIndex(where: { $0.name == name }) {
            copy.members[i].json = json
        } else {
            copy.members.append((name, json))
        }
        return copy
    }

    /// Same, with the value written as a JSON string literal.
    func with(_ name: String, string: String) -> RecordText {
        with(name, JSONText.string(string))
    }

    var text: String {
        "{" + members.compactMap { m in m.json.map { "\"\(m.name)\":\($0)" } }.joined(separator: ",") + "}"
    }

    var bytes: [UInt8] { Array(text.utf8) }
}

/// Decoding shorthands: the key defaults to the record's contact_id, as producers send it.
enum Decode {
    static func contact(_ r: RecordText, key: String? = "c-1") -> Result<InputRecord, Rejection> {
        RecordDecoder.decode(topic: .contacts, key: key.map { Array($0.utf8) }, value: r.bytes)
    }

    static func event(_ r: RecordText, key: String? = "c-1") -> Result<InputRecord, Rejection> {
        RecordDecoder.decode(topic: .messageEvents, key: key.map { Array($0.utf8) }, value: r.bytes)
    }

    static func raw(_ topic: InputTopic = .contacts, _ value: [UInt8]?, key: [UInt8]? = Array("c-1".utf8)) -> Result<InputRecord, Rejection> {
        RecordDecoder.decode(topic: topic, key: key, value: value)
    }

    static func raw(_ topic: InputTopic = .contacts, _ value: String) -> Result<InputRecord, Rejection> {
        raw(topic, Array(value.utf8))
    }
}

extension Result where Failure == Rejection {
    var rejection: Rejection? {
        if case .failure(let r) = self { return r }
        return nil
    }

    var code: RejectionCode? { rejection?.code }
}

extension Result where Success == InputRecord, Failure == Rejection {
    var contact: ContactUpdate? {
        if case .success(.contact(let c)) = self { return c }
        return nil
    }

    var event: MessageEvent? {
        if case .success(.event(let e)) = self { return e }
        return nil
    }
}
