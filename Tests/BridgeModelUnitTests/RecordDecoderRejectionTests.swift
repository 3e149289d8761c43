import BridgeModel
import Testing

/// One test per rejection rule of contract section 1 (and the project's NUL rule).
@Suite struct RecordDecoderRejectionTests {
    @Test func valueOverOneMebibyteIsTooLarge() {
        let base = RecordText.contact().with("pad", string: "").bytes
        let padding = RecordDecoder.maxValueBytes + 1 - base.count
        let value = RecordText.contact().with("pad", string: String(repeating: "x", count: padding)).bytes
        #expect(value.count == RecordDecoder.maxValueBytes + 1)
        let r = Decode.raw(.contacts, value)
        #expect(r.code == .tooLarge)
        #expect(r.rejection?.reason == "value is 1048577 bytes, over the limit of 1048576")
    }

    @Test func tombstoneValueIsMissingValue() {
        #expect(Decode.raw(.contacts, nil).code == .missingValue)
        #expect(Decode.raw(.messageEvents, nil, key: nil).code == .missingValue)
    }

    @Test func nullKeyIsMissingKey() {
        #expect(Decode.contact(.contact(), key: nil).code == .missingKey)
        #expect(Decode.event(.event(), key: nil).code == .missingKey)
    }

    @Test func keyDifferentFromContactIdIsKeyMismatch() {
        let r = Decode.contact(.contact(id: "c-1"), key: "c-2")
        #expect(r.code == .keyMismatch)
        #expect(r.rejection?.reason == #"record key "c-2" does not equal contact_id "c-1""#)
        #expect(Decode.event(.event(contact: "c-1"), key: "c-2").code == .keyMismatch)
    }

    @Test func keyIsComparedByteWiseNotByCanonicalEquivalence() {
        let r = Decode.contact(.contact(id: "caf\u{E9}"), key: "cafe\u{301}")
        #expect(r.code == .keyMismatch)
    }

    @Test(arguments: [
        (#"{"a":1,}"#, "trailing comma in object"),
        (#"{"a":[1,2,]}"#, "trailing comma in array"),
        (#"{'contact_id':'c-1'}"#, "single quotes"),
        (#"{"a":NaN}"#, "NaN"),
        (#"{"a":Infinity}"#, "Infinity"),
        (#"{"a":01}"#, "leading zero"),
        (#"{"a":-01}"#, "negative leading zero"),
        (#"{"a":1.}"#, "no digit after decimal point"),
        (#"{"a":.5}"#, "no digit before decimal point"),
        (#"{"a":1e}"#, "empty exponent"),
        (#"{"a":+1}"#, "plus sign"),
        ("{\"a\":\"x\ny\"}", "raw newline in string"),
        ("{\"a\":\"\u{1}\"}", "raw control character in string"),
        (#"{"a":"\ud800"}"#, "lone high surrogate"),
        (#"{"a":"\udc00"}"#, "lone low surrogate"),
        (#"{"a":"\ud800\u0041"}"#, "high surrogate followed by non-surrogate"),
        (#"{"a":"\x41"}"#, "invalid escape"),
        (#"{"a":"\u12"}"#, "short unicode escape"),
        (#"{"a":1}x"#, "trailing garbage"),
        (#"{"a":1}{}"#, "second document"),
        (#"{"a":1"#, "unterminated object"),
        (#"{"a":"abc"#, "unterminated string"),
        (#"{"a" 1}"#, "missing colon"),
        (#"{"a":1 "b":2}"#, "missing comma"),
        (#"{a:1}"#, "unquoted name"),
        (#"{"a":True}"#, "capitalised literal"),
        (#"{"a":nul}"#, "truncated literal"),
        ("", "empty value"),
        ("   ", "only whitespace"),
        ("\u{FEFF}{}", "byte order mark"),
        ("{\"a\":1}\u{0}", "NUL after the document"),
    ])
    func malformedJSONIsInvalidJSON(text: String, _ what: String) {
        let r = Decode.raw(.contacts, text)
        #expect(r.code == .invalidJSON, "\(what)")
        #expect(r.rejection?.reason.hasPrefix("invalid JSON at byte ") == true, "\(what)")
    }

    @Test func invalidJSONReasonNamesTheByte() {
        let r = Decode.raw(.contacts, #"{"contact_id":"c-1",}"#)
        #expect(r.rejection?.reason == "invalid JSON at byte 20: expected a member name in double quotes, found '}'")
    }

    @Test(arguments: [
        [0xFF] as [UInt8],                  // never valid
        [0xC0, 0xAF],                       // overlong '/'
        [0xE0, 0x80, 0xAF],                 // overlong
        [0xED, 0xA0, 0x80],                 // encoded surrogate U+D800
        [0xF4, 0x90, 0x80, 0x80],           // above U+10FFFF
        [0xC3],                             // truncated
        [0xE2, 0x82],                       // truncated
        [0x80],                             // stray continuation
    ])
    func invalidUTF8IsInvalidJSON(bad: [UInt8]) {
        let value = Array(#"{"contact_id":"c-1","first_name":"A"#.utf8) + bad + Array(#"na"}"#.utf8)
        #expect(Decode.raw(.contacts, value).code == .invalidJSON)
        // Outside a string too.
        #expect(Decode.raw(.contacts, Array("{\"a\":1}".utf8) + bad).code == .invalidJSON)
    }

    @Test func nestingDeeperThan64IsInvalidJSON() {
        // The top-level object is level 1; 63 arrays inside reach level 64, one more is too deep.
        let ok = RecordText.contact().with("x", String(repeating: "[", count: 63) + String(repeating: "]", count: 63))
        #expect(Decode.contact(ok).contact != nil)
        let deep = RecordText.contact().with("x", String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
        let r = Decode.contact(deep)
        #expect(r.code == .invalidJSON)
        #expect(r.rejection?.reason.contains("nesting deeper than 64") == true)
    }

    @Test(arguments: [#"[{"contact_id":"c-1"}]"#, #""c-1""#, "42", "null", "true"])
    func topLevelNonObjectIsNotAnObject(text: String) {
        #expect(Decode.raw(.contacts, text).code == .notAnObject)
    }

    @Test func malformedTopLevelArrayIsInvalidJSONNotNotAnObject() {
        #expect(Decode.raw(.contacts, "[1,]").code == .invalidJSON)
    }

    @Test(arguments: ["contact_id", "campus_id", "first_name", "phone", "opted_out", "updated_at"])
    func absentContactFieldIsMissingField(field: String) {
        let r = Decode.contact(RecordText.contact().with(field, nil))
        #expect(r.code == .missingField)
        #expect(r.rejection?.reason == "missing field '\(field)'")
    }

    @Test(arguments: ["event_id", "contact_id", "campus_id", "kind", "at"])
    func absentEventFieldIsMissingField(field: String) {
        #expect(Decode.event(RecordText.event().with(field, nil)).code == .missingField)
    }

    @Test func nullRequiredFieldIsMissingField() {
        let r = Decode.contact(RecordText.contact().with("first_name", "null"))
        #expect(r.code == .missingField)
        #expect(r.rejection?.reason == "field 'first_name' is null")
    }

    @Test(arguments: ["sent", "delivered", "failed"])
    func nullOrAbsentCampaignForCampaignKindIsMissingField(kind: String) {
        let null = Decode.event(RecordText.event(kind: kind).with("campaign_id", "null"))
        #expect(null.code == .missingField)
        #expect(null.rejection?.reason == "field 'campaign_id' is null; it is required for kind \"\(kind)\"")
        #expect(Decode.event(RecordText.event(kind: kind, campaign: nil)).code == .missingField)
    }

    @Test(arguments: [
        ("contact_id", "123"),
        ("campus_id", "true"),
        ("first_name", #"["Ana"]"#),
        ("phone", "15550001234"),
        ("opted_out", #""false""#),
        ("opted_out", "0"),
        ("updated_at", "1762000000000"),
    ])
    func mistypedContactFieldIsWrongType(field: String, json: String) {
        let r = Decode.contact(RecordText.contact().with(field, json))
        #expect(r.code == .wrongType)
        #expect(r.rejection?.reason.hasPrefix("field '\(field)': expected ") == true)
    }

    @Test func wrongTypeReasonSaysWhatWasFound() {
        let r = Decode.contact(RecordText.contact().with("opted_out", #""false""#))
        #expect(r.rejection?.reason == "field 'opted_out': expected a boolean, found a string")
    }

    @Test(arguments: [("kind", "1"), ("campaign_id", "7"), ("event_id", "{}"), ("at", "false")])
    func mistypedEventFieldIsWrongType(field: String, json: String) {
        #expect(Decode.event(RecordText.event().with(field, json)).code == .wrongType)
    }

    @Test func mistypedOptionalCampaignIsWrongTypeEvenForReply() {
        #expect(Decode.event(RecordText.event(kind: "reply").with("campaign_id", "12")).code == .wrongType)
    }

    @Test func idOf65BytesIsInvalidValue() {
        let long = String(repeating: "c", count: 65)
        let r = Decode.contact(.contact(id: long), key: long)
        #expect(r.code == .invalidValue)
        #expect(r.rejection?.reason == "field 'contact_id': id of 65 bytes, over the limit of 64")
        #expect(Decode.event(RecordText.event().with("event_id", string: long)).code == .invalidValue)
        #expect(Decode.event(RecordText.event(campus: long)).code == .invalidValue)
        #expect(Decode.event(RecordText.event(campaign: long)).code == .invalidValue)
        // Bytes, not characters: 33 two-byte characters are 66 bytes.
        #expect(Decode.event(RecordText.event(campus: String(repeating: "é", count: 33))).code == .invalidValue)
    }

    @Test func emptyIdIsInvalidValue() {
        #expect(Decode.contact(RecordText.contact().with("campus_id", string: "")).code == .invalidValue)
        #expect(Decode.event(RecordText.event(kind: "reply", campaign: "")).code == .invalidValue)
    }

    @Test func firstNameOf201ScalarsIsInvalidValue() {
        let r = Decode.contact(RecordText.contact().with("first_name", string: String(repeating: "a", count: 201)))
        #expect(r.code == .invalidValue)
        #expect(r.rejection?.reason == "field 'first_name': 201 characters (Unicode scalars), over the limit of 200")
        // A family emoji is one grapheme but 7 scalars: 29 of them are 203 scalars.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
        let emoji = String(repeating: family, count: 29)
        #expect(emoji.count == 29)
        #expect(Decode.contact(RecordText.contact().with("first_name", string: emoji)).code == .invalidValue)
    }

    @Test func phoneOf33BytesIsInvalidValue() {
        let r = Decode.contact(RecordText.contact().with("phone", string: String(repeating: "5", count: 33)))
        #expect(r.code == .invalidValue)
        #expect(r.rejection?.reason == "field 'phone': 33 bytes, over the limit of 32")
    }

    @Test(arguments: ["contact_id", "campus_id", "first_name", "phone"])
    func nulInStringIsInvalidValue(field: String) {
        let withNUL = #""a\u0000b""#
        let r = Decode.contact(RecordText.contact().with(field, withNUL), key: field == "contact_id" ? "a\u{0}b" : "c-1")
        #expect(r.code == .invalidValue)
        #expect(r.rejection?.reason == "field '\(field)': contains U+0000, which PostgreSQL text cannot store")
    }

    @Test func nulInAnUnknownFieldIsIgnored() {
        #expect(Decode.contact(RecordText.contact().with("note", #""\u0000""#)).contact != nil)
    }

    @Test func unknownKindIsUnknownKind() {
        let r = Decode.event(RecordText.event(kind: "bounced"))
        #expect(r.code == .unknownKind)
        #expect(r.rejection?.reason == #"field 'kind': unknown kind "bounced""#)
        #expect(Decode.event(RecordText.event(kind: "Sent")).code == .unknownKind)
        #expect(Decode.event(RecordText.event(kind: "")).code == .unknownKind)
    }

    @Test func hugeUnknownKindIsQuotedOnlyInPart() {
        let r = Decode.event(RecordText.event(kind: String(repeating: "k", count: 10_000)))
        #expect(r.code == .unknownKind)
        #expect((r.rejection?.reason.utf8.count ?? .max) < 200)
    }

    @Test(arguments: [
        "2026-13-01T00:00:00Z",          // month 13
        "2026-00-10T00:00:00Z",          // month 0
        "2026-02-30T00:00:00Z",          // Feb 30
        "2026-02-29T00:00:00Z",          // Feb 29, non-leap year
        "1900-02-29T00:00:00Z",          // century, not a leap year
        "2026-04-31T00:00:00Z",          // 31st of a 30-day month
        "2026-01-00T00:00:00Z",          // day 0
        "2026-11-01T10:00:00",           // missing offset
        "2026-11-01T10:00:00.123",       // missing offset after fraction
        "2026-11-01T24:00:00Z",          // hour 24
        "2026-11-01T10:60:00Z",          // minute 60
        "2026-11-01T10:00:61Z",          // second 61
        "2026-11-01T10:00:00.Z",         // '.' with no digits
        "2026-11-01 10:00:00Z",          // space instead of T
        "2026-11-01T10:00Z",             // no seconds
        "2026-11-01",                    // date only
        "2026-1-01T10:00:00Z",           // one-digit month
        "26-11-01T10:00:00Z",            // two-digit year
        "2026-11-01T10:00:00+0530",      // offset without colon
        "2026-11-01T10:00:00+05",        // offset without minutes
        "2026-11-01T10:00:00+24:00",     // offset hour 24
        "2026-11-01T10:00:00+05:60",     // offset minute 60
        "2026-11-01T10:00:00ZZ",         // text after offset
        "2026-11-01T10:00:00Z ",         // trailing space
        " 2026-11-01T10:00:00Z",         // leading space
        "2026-11-01T10:00:00.1a2Z",      // letter in fraction
        "0000-01-01T00:00:00Z",          // year zero (PostgreSQL has none)
        "0001-01-01T00:30:00+01:00",     // before year 1 once in UTC
        "9999-12-31T23:30:00-01:00",     // after year 9999 once in UTC
        "",
        "yesterday",
    ])
    func badTimestampIsInvalidTimestamp(at: String) {
        let r = Decode.event(RecordText.event(at: at))
        #expect(r.code == .invalidTimestamp, "\(at)")
        #expect(Decode.contact(RecordText.contact().with("updated_at", string: at)).code == .invalidTimestamp)
    }

    @Test func invalidTimestampReasonIsPrecise() {
        let r = Decode.event(RecordText.event(at: "2026-02-29T00:00:00Z"))
        #expect(r.rejection?.reason == #"field 'at': invalid RFC 3339 timestamp "2026-02-29T00:00:00Z": day 29 does not exist in 2026-02"#)
        let h = Decode.event(RecordText.event(at: "2026-11-01T24:00:00Z"))
        #expect(h.rejection?.reason.hasSuffix("hour 24 is out of range 00-23") == true)
    }

    @Test func firstFailingFieldIsReported() {
        // Both campus_id and kind are bad; campus_id comes first in the contract's order.
        let r = Decode.event(RecordText.event(kind: "bounced").with("campus_id", "1"))
        #expect(r.code == .wrongType)
    }

    @Test func everyRejectionCodeIsExercised() {
        // Guards against a code being added to the enum without a rule and a test here.
        let seen: Set<RejectionCode> = [
            Decode.raw(.contacts, Array(repeating: 0x20, count: RecordDecoder.maxValueBytes + 1)).code,
            Decode.raw(.contacts, nil).code,
            Decode.contact(.contact(), key: nil).code,
            Decode.raw(.contacts, "{").code,
            Decode.raw(.contacts, "[]").code,
            Decode.contact(RecordText.contact().with("phone", nil)).code,
            Decode.contact(RecordText.contact().with("phone", "1")).code,
            Decode.contact(RecordText.contact().with("phone", string: String(repeating: "1", count: 40))).code,
            Decode.event(RecordText.event(kind: "bounced")).code,
            Decode.event(RecordText.event(at: "soon")).code,
            Decode.contact(.contact(), key: "c-9").code,
        ].compactMap { $0 }.reduce(into: Set()) { $0.insert($1) }
        #expect(seen == Set(RejectionCode.allCases))
    }
}
