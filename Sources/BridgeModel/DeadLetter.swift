/// The value of a record on `bridge.dead-letter`: which path refused which input record, why, and
/// the original bytes so the record can be inspected or replayed.
package struct DeadLetter: Sendable, Hashable {
    /// "legacy" or "stream".
    package var path: String
    package var sourceTopic: String
    package var partition: Int32
    package var offset: Int64
    package var reason: String
    /// The original value; nil for a tombstone, written as `"payload_base64":null`.
    package var payload: [UInt8]?

    package init(path: String, sourceTopic: String, partition: Int32, offset: Int64, reason: String, payload: [UInt8]?) {
        self.path = path
        self.sourceTopic = sourceTopic
        self.partition = partition
        self.offset = offset
        self.reason = reason
        self.payload = payload
    }

    package static let fieldNames: [String] = ["path", "source_topic", "partition", "offset", "reason", "payload_base64"]

    /// {"path":..,"source_topic":..,"partition":..,"offset":..,"reason":..,"payload_base64":..}
    package var json: String {
        RowJSON.object([
            ("path", JSONText.string(path)),
            ("source_topic", JSONText.string(sourceTopic)),
            ("partition", String(partition)),
            ("offset", String(offset)),
            ("reason", JSONText.string(reason)),
            ("payload_base64", payload.map { "\"\(Base64.encode($0))\"" } ?? "null"),
        ])
    }

    /// Parses the JSON form back (for tools and tests that read the dead-letter topic). Strict
    /// like the row parsers; throws a `Rejection`.
    package init(json: some Collection<UInt8>) throws {
        let f = FieldReader(try JSONObjectParser.parse(json))
        try f.rejectUnknownFields(allowed: Self.fieldNames)
        var payload: [UInt8]?
        if let text = try f.nullableString("payload_base64") {
            guard let bytes = Base64.decode(text) else {
                throw Rejection(code: .invalidValue, reason: "field 'payload_base64': not valid base64")
            }
            payload = bytes
        }
        self.init(path: try f.string("path"), sourceTopic: try f.string("source_topic"),
                  partition: try f.int32("partition"), offset: try f.int64("offset"),
                  reason: try f.string("reason"), payload: payload)
    }

    package static func == (lhs: DeadLetter, rhs: DeadLetter) -> Bool {
        ByteString.equal(lhs.path, rhs.path) && ByteString.equal(lhs.sourceTopic, rhs.sourceTopic)
            && lhs.partition == rhs.partition && lhs.offset == rhs.offset
            && ByteString.equal(lhs.reason, rhs.reason) && lhs.payload == rhs.payload
    }

    package func hash(into hasher: inout Hasher) {
        ByteString.hash(path, into: &hasher)
        ByteString.hash(sourceTopic, into: &hasher)
        hasher.combine(partition)
        hasher.combine(offset)
        ByteString.hash(reason, into: &hasher)
        hasher.combine(payload)
    }
}
