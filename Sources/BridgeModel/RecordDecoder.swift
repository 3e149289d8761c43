/// The one decoder both paths use to turn a Kafka record into an `InputRecord` or a `Rejection`,
/// so that "valid" means exactly the same thing to the legacy and the stream path.
///
/// Checks run in this order and the first failure is reported: value present, key present,
/// value size, JSON syntax, top level is an object, then the fields in the order of the
/// contract's examples; the key is compared with `contact_id` as soon as that is known to be a
/// valid id. Unknown members are ignored whatever their value.
package enum RecordDecoder {
    /// A value over 1 MiB is invalid; exactly 1 MiB is fine.
    package static let maxValueBytes = 1 << 20

    /// `key`/`value` nil stand for Kafka nulls; a null value is a tombstone and is refused.
    package static func decode(topic: InputTopic, key: [UInt8]?, value: [UInt8]?) -> Result<InputRecord, Rejection> {
        guard let value else {
            return .failure(Rejection(code: .missingValue, reason: "value is null (a tombstone); expected a JSON object"))
        }
        guard let key else {
            return .failure(Rejection(code: .missingKey, reason: "record key is null; expected the contact_id"))
        }
        guard value.count <= maxValueBytes else {
            return .failure(Rejection(code: .tooLarge,
                                      reason: "value is \(value.count) bytes, over the limit of \(maxValueBytes)"))
        }
        return Result { () throws(Rejection) -> InputRecord in
            let fields = FieldReader(try JSONObjectParser.parse(value))
            switch topic {
            case .contacts: return .contact(try contact(fields, key: key))
            case .messageEvents: return .event(try event(fields, key: key))
            }
        }
    }

    private static func contact(_ f: FieldReader, key: [UInt8]) throws(Rejection) -> ContactUpdate {
        let contactId = try f.id("contact_id")
        try checkKey(key, contactId)
        return ContactUpdate(
            contactId: contactId,
            campusId: try f.id("campus_id"),
            firstName: try f.text("first_name", maxScalars: FieldReader.maxFirstNameScalars),
            phone: try f.text("phone", maxBytes: FieldReader.maxPhoneBytes),
            optedOut: try f.bool("opted_out"),
            updatedAt: try f.timestamp("updated_at"))
    }

    private static func event(_ f: FieldReader, key: [UInt8]) throws(Rejection) -> MessageEvent {
        let eventId = try f.id("event_id")
        let contactId = try f.id("contact_id")
        try checkKey(key, contactId)
        let campusId = try f.id("campus_id")
        let kind = try kind(f)
        let campaignId: String?
        if kind.requiresCampaign {
            do {
                campaignId = try f.id("campaign_id")
            } catch where error.code == .missingField {
                throw Rejection(code: .missingField, reason: "\(error.reason); it is required for kind \"\(kind.rawValue)\"")
            }
        } else {
            campaignId = try f.optionalID("campaign_id")
        }
        return MessageEvent(eventId: eventId, contactId: contactId, campusId: campusId,
                            campaignId: campaignId, kind: kind, at: try f.timestamp("at"))
    }

    private static func kind(_ f: FieldReader) throws(Rejection) -> EventKind {
        let text = try f.string("kind")
        guard let kind = EventKind(rawValue: text) else {
            throw Rejection(code: .unknownKind, reason: "field 'kind': unknown kind \(ReasonText.quoted(text))")
        }
        return kind
    }

    /// Byte-wise, because the key is raw bytes and partitioning hashes bytes.
    private static func checkKey(_ key: [UInt8], _ contactId: String) throws(Rejection) {
        let equal = contactId.utf8.withContiguousStorageIfAvailable { key.elementsEqual($0) }
            ?? key.elementsEqual(contactId.utf8)
        guard equal else {
            throw Rejection(code: .keyMismatch,
                            reason: "record key \(ReasonText.quoted(bytes: key)) does not equal contact_id \(ReasonText.quoted(contactId))")
        }
    }
}
