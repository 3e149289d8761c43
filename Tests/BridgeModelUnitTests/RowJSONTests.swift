import BridgeModel
import Testing

@Suite struct RowJSONTests {
    static let full = ContactSummaryRow(
        contactId: "c-000123", campusId: "north", firstName: "Ana \"Zoë\" 😀\n", phone: "+15550001234",
        optedOut: true, messagesSent: 12, messagesDelivered: 11, messagesFailed: 1, replies: 3, campaigns: 2,
        firstEventAt: Timestamp(millis: 1_793_527_500_000), lastSentAt: Timestamp(millis: 1_793_527_500_123),
        lastReplyAt: nil)

    @Test func contactSummaryExactJSON() {
        #expect(Self.full.json == #"{"contact_id":"c-000123","campus_id":"north","first_name":"Ana \"Zoë\" 😀\u000a","#
            + #""phone":"+15550001234","opted_out":true,"messages_sent":12,"messages_delivered":11,"#
            + #""messages_failed":1,"replies":3,"campaigns":2,"first_event_at":"2026-11-01T10:05:00.000Z","#
            + #""last_sent_at":"2026-11-01T10:05:00.123Z","last_reply_at":null}"#)
    }

    @Test func contactSummaryRoundTrips() throws {
        let rows = [Self.full, ContactSummaryRow(contactId: "c-9"),
                    ContactSummaryRow(contactId: "e\u{301}", campusId: "", firstName: "", phone: "",
                                      messagesSent: .max, lastReplyAt: Timestamp(millis: -62_135_596_800_000))]
        for row in rows {
            let back = try ContactSummaryRow(json: Array(row.json.utf8))
            #expect(back == row)
            #expect(back.json == row.json)
        }
    }

    @Test func fieldValuesFollowFieldNames() {
        let values = Self.full.fieldValues
        #expect(values.map(\.name) == ContactSummaryRow.fieldNames)
        #expect(ContactSummaryRow.fieldNames == ["contact_id", "campus_id", "first_name", "phone", "opted_out",
                                                 "messages_sent", "messages_delivered", "messages_failed", "replies",
                                                 "campaigns", "first_event_at", "last_sent_at", "last_reply_at"])
        #expect(values[4].json == "true")
        #expect(values[12].json == "null")
        #expect(values[10].json == #""2026-11-01T10:05:00.000Z""#)
    }

    @Test func rowParserAcceptsAnyMemberOrderWhitespaceAndOffsets() throws {
        let text = #" { "last_reply_at" : null, "contact_id":"c-1","campus_id":null,"first_name":null,"phone":null,"#
            + #""opted_out":false,"messages_sent":0,"messages_delivered":0,"messages_failed":0,"replies":0,"#
            + #""campaigns":0,"first_event_at":"2026-11-01T11:05:00+01:00","last_sent_at":null } "#
        let row = try ContactSummaryRow(json: Array(text.utf8))
        #expect(row == ContactSummaryRow(contactId: "c-1", firstEventAt: Timestamp(millis: 1_793_527_500_000)))
    }

    @Test(arguments: [
        (#""campus_id":null,"#, #""#, RejectionCode.missingField),                        // nullable but absent
        (#""messages_sent":0,"#, #""messages_sent":"0","#, RejectionCode.wrongType),
        (#""messages_sent":0,"#, #""messages_sent":1.5,"#, RejectionCode.wrongType),
        (#""messages_sent":0,"#, #""messages_sent":1e3,"#, RejectionCode.wrongType),
        (#""messages_sent":0,"#, #""messages_sent":9223372036854775808,"#, RejectionCode.wrongType),
        (#""opted_out":false,"#, #""opted_out":null,"#, RejectionCode.missingField),
        (#""opted_out":false,"#, #""opted_out":false,"extra":1,"#, RejectionCode.invalidValue),
        (#""last_sent_at":null,"#, #""last_sent_at":"2026-11-01","#, RejectionCode.invalidTimestamp),
        (#""contact_id":"c-1","#, #""contact_id":"c-1",,"#, RejectionCode.invalidJSON),
    ])
    func rowParserIsStrict(original: String, replacement: String, code: RejectionCode) throws {
        let text = #"{"contact_id":"c-1","campus_id":null,"first_name":null,"phone":null,"opted_out":false,"#
            + #""messages_sent":0,"messages_delivered":0,"messages_failed":0,"replies":0,"campaigns":0,"#
            + #""first_event_at":null,"last_sent_at":null,"last_reply_at":null}"#
        _ = try ContactSummaryRow(json: Array(text.utf8))
        let broken = text.replacing(original, with: replacement)
        #expect(broken != text)
        let error = #expect(throws: Rejection.self) { try ContactSummaryRow(json: Array(broken.utf8)) }
        #expect(error?.code == code)
    }

    @Test func campusDailyExactJSONAndRoundTrip() throws {
        let row = CampusDailyRow(campusId: "north", day: Day.parse("2026-11-01")!, sent: 5, delivered: 4, failed: 1,
                                 replies: 2, optOuts: 1, activeContacts: 3)
        #expect(row.json == #"{"campus_id":"north","day":"2026-11-01","sent":5,"delivered":4,"failed":1,"#
            + #""replies":2,"opt_outs":1,"active_contacts":3}"#)
        #expect(try CampusDailyRow(json: Array(row.json.utf8)) == row)
        #expect(try CampusDailyRow(json: row.json.utf8) == row)
        #expect(row.fieldValues.map(\.name) == CampusDailyRow.fieldNames)
        #expect(CampusDailyRow.fieldNames == ["campus_id", "day", "sent", "delivered", "failed", "replies", "opt_outs", "active_contacts"])
        #expect(row.key.kafkaKey == "north|2026-11-01")
        let badDay = row.json.replacing("2026-11-01", with: "2026-11-31")
        #expect(throws: Rejection.self) { try CampusDailyRow(json: Array(badDay.utf8)) }
    }

    @Test func campusDayKeyParsesBackAndOrdersByteWise() throws {
        let key = CampusDayKey(campusId: "north|annex", day: Day.parse("2026-11-01")!)
        #expect(key.kafkaKey == "north|annex|2026-11-01")
        #expect(CampusDayKey(kafkaKey: key.kafkaKey) == key)
        #expect(CampusDayKey(kafkaKey: "north") == nil)
        #expect(CampusDayKey(kafkaKey: "|2026-11-01") == nil)
        #expect(CampusDayKey(kafkaKey: "north|2026-11-31") == nil)

        let d = Day.parse("2026-11-01")!
        #expect(CampusDayKey(campusId: "caf\u{E9}", day: d) != CampusDayKey(campusId: "cafe\u{301}", day: d))
        #expect(CampusDayKey(campusId: "Z", day: d) < CampusDayKey(campusId: "a", day: d))
        #expect(CampusDayKey(campusId: "a", day: Day.parse("2026-10-31")!) < CampusDayKey(campusId: "a", day: d))
        #expect(Set([CampusDayKey(campusId: "x", day: d), CampusDayKey(campusId: "x", day: d)]).count == 1)
    }

    @Test func rowEqualityIsByteWise() {
        let nfc = ContactSummaryRow(contactId: "c-1", firstName: "Zo\u{EB}")
        let nfd = ContactSummaryRow(contactId: "c-1", firstName: "Zoe\u{308}")
        #expect(nfc.firstName == nfd.firstName)   // Swift: canonically equal
        #expect(nfc != nfd)                       // the bridge: different data
        #expect(Set([nfc, nfd]).count == 2)
        #expect(Array(nfc.json.utf8) != Array(nfd.json.utf8))
    }

    @Test func deadLetterJSONAndRoundTrip() throws {
        let letter = DeadLetter(path: "stream", sourceTopic: "message-events", partition: 3, offset: 42,
                                reason: #"field 'kind': unknown kind "bounced""#, payload: Array("hi!?".utf8))
        #expect(letter.json == #"{"path":"stream","source_topic":"message-events","partition":3,"offset":42,"#
            + #""reason":"field 'kind': unknown kind \"bounced\"","payload_base64":"aGkhPw=="}"#)
        #expect(try DeadLetter(json: Array(letter.json.utf8)) == letter)

        let tombstone = DeadLetter(path: "legacy", sourceTopic: "contacts", partition: 0, offset: 7,
                                   reason: "value is null", payload: nil)
        #expect(tombstone.json.hasSuffix(#""payload_base64":null}"#))
        #expect(try DeadLetter(json: Array(tombstone.json.utf8)) == tombstone)
    }

    @Test func deadLetterBase64RoundTripsEveryLength() throws {
        for n in 0..<70 {
            let payload = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let letter = DeadLetter(path: "stream", sourceTopic: "contacts", partition: 1, offset: Int64(n),
                                    reason: "r", payload: payload)
            #expect(try DeadLetter(json: Array(letter.json.utf8)).payload == payload)
        }
        let bad = #"{"path":"p","source_topic":"t","partition":0,"offset":0,"reason":"r","payload_base64":"a=bc"}"#
        #expect(throws: Rejection.self) { try DeadLetter(json: Array(bad.utf8)) }
    }

    @Test func jsonTextEscapesPerRFC8259() {
        #expect(JSONText.string("plain") == #""plain""#)
        #expect(JSONText.string("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONText.string("\u{0}\u{1}\n\t\u{1F}\u{7F}") == #""\u0000\u0001\u000a\u0009\u001f"# + "\u{7F}\"")
        #expect(JSONText.string("é😀/") == "\"é😀/\"")
        #expect(JSONText.optionalString(nil) == "null")
        #expect(JSONText.optionalString("x") == #""x""#)
    }

    @Test func jsonTextOutputParsesBackToTheSameBytes() throws {
        let nasty = "\u{0}\"\\/\u{8}\u{C}\n\r\t\u{1F} é 😀 \u{2028} e\u{301}"
        let row = ContactSummaryRow(contactId: "c-1", firstName: nasty)
        let back = try ContactSummaryRow(json: Array(row.json.utf8))
        #expect(back.firstName.map { Array($0.utf8) } == Array(nasty.utf8))
    }
}

/// The rows' JSON is written straight into bytes; it must be exactly the members of
/// `fieldValues` (what the comparator diffs) joined in order.
@Suite struct RowJSONBytesTests {
    static func joined(_ fields: [(name: String, json: String)]) -> String {
        "{" + fields.map { "\"\($0.name)\":\($0.json)" }.joined(separator: ",") + "}"
    }

    @Test func contactRowsWriteTheirFieldValues() {
        let rows = [
            ContactSummaryRow(contactId: "c-1"),
            ContactSummaryRow(contactId: "\u{0}\"\\é👩🏽‍🎓", campusId: "n|o", firstName: "", phone: "\u{1F}", optedOut: true,
                              messagesSent: Int64.max, messagesDelivered: 0, messagesFailed: 7, replies: 10, campaigns: 100,
                              firstEventAt: Timestamp(millis: -1), lastSentAt: Timestamp(millis: 0),
                              lastReplyAt: Timestamp(millis: 253_402_300_799_999)),
        ]
        for row in rows { #expect(row.json == Self.joined(row.fieldValues)) }
    }

    @Test func campusDayRowsWriteTheirFieldValues() throws {
        let day = try #require(Day(year: 1, month: 1, day: 1))
        for row in [CampusDailyRow(campusId: "x", day: day), CampusDailyRow(campusId: "a\"b", day: day, sent: 1, delivered: -2, failed: 30,
                                                                            replies: 400, optOuts: 5000, activeContacts: 99_999)] {
            #expect(row.json == Self.joined(row.fieldValues))
        }
    }
}
