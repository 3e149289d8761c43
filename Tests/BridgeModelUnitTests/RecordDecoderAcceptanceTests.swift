import BridgeModel
import Testing

/// Edge cases the decoder must accept, with the exact values it must produce.
@Suite struct RecordDecoderAcceptanceTests {
    @Test func contractExamplesDecode() throws {
        let contact = #"{"contact_id":"c-000123","campus_id":"north","first_name":"Ana","phone":"+15550001234","#
            + #""opted_out":false,"updated_at":"2026-11-01T10:00:00.000Z"}"#
        let c = try #require(RecordDecoder.decode(topic: .contacts, key: Array("c-000123".utf8), value: Array(contact.utf8)).contact)
        #expect(c == ContactUpdate(contactId: "c-000123", campusId: "north", firstName: "Ana", phone: "+15550001234",
                                   optedOut: false, updatedAt: Timestamp(millis: 1_793_527_200_000)))

        let event = #"{"event_id":"m-8f2c","contact_id":"c-000123","campus_id":"north","campaign_id":"fall-enroll","#
            + #""kind":"sent","at":"2026-11-01T10:05:00.000Z"}"#
        let e = try #require(RecordDecoder.decode(topic: .messageEvents, key: Array("c-000123".utf8), value: Array(event.utf8)).event)
        #expect(e == MessageEvent(eventId: "m-8f2c", contactId: "c-000123", campusId: "north", campaignId: "fall-enroll",
                                  kind: .sent, at: Timestamp(millis: 1_793_527_500_000)))
        #expect(InputRecord.event(e).contactId == "c-000123")
    }

    @Test func everyKindDecodes() throws {
        for kind in EventKind.allCases {
            let e = try #require(Decode.event(RecordText.event(kind: kind.rawValue)).event)
            #expect(e.kind == kind)
        }
    }

    @Test func positiveOffsetIsNormalisedToUTC() throws {
        let e = try #require(Decode.event(RecordText.event(at: "2026-11-01T10:05:00+05:30")).event)
        #expect(e.at.iso8601 == "2026-11-01T04:35:00.000Z")
    }

    @Test func negativeOffsetCrossesTheUTCDayBoundary() throws {
        let e = try #require(Decode.event(RecordText.event(at: "2026-11-01T20:30:00.250-08:00")).event)
        #expect(e.at.iso8601 == "2026-11-02T04:30:00.250Z")
        #expect(e.at.utcDay.iso == "2026-11-02")
        let back = try #require(Decode.event(RecordText.event(at: "2026-11-02T01:00:00+05:30")).event)
        #expect(back.at.utcDay.iso == "2026-11-01")
    }

    @Test func nineFractionalDigitsAreTruncatedNotRounded() throws {
        let e = try #require(Decode.event(RecordText.event(at: "2026-11-01T23:59:59.999999999Z")).event)
        #expect(e.at.iso8601 == "2026-11-01T23:59:59.999Z")
        #expect(e.at.utcDay.iso == "2026-11-01")
    }

    @Test func unicodeNamesAreAccepted() throws {
        let names = ["Zoë", "李小龍", "😀", "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", "", "O'Brien \"Bob\""]
        for name in names {
            let c = try #require(Decode.contact(RecordText.contact().with("first_name", string: name)).contact)
            #expect(c.firstName.utf8.elementsEqual(name.utf8))
        }
        let escaped = try #require(Decode.contact(RecordText.contact().with("first_name", #""\ud83d\ude00 \u00e9\n\/""#)).contact)
        #expect(escaped.firstName == "😀 é\n/")
    }

    @Test func firstNameOfExactly200ScalarsIsAccepted() throws {
        let ascii = String(repeating: "a", count: 200)
        #expect(Decode.contact(RecordText.contact().with("first_name", string: ascii)).contact?.firstName == ascii)
        // 200 emoji scalars are 800 bytes: the limit counts scalars, not bytes.
        let emoji = String(repeating: "😀", count: 200)
        #expect(Decode.contact(RecordText.contact().with("first_name", string: emoji)).contact != nil)
    }

    @Test func phoneOfExactly32BytesAndEmptyPhoneAreAccepted() {
        #expect(Decode.contact(RecordText.contact().with("phone", string: String(repeating: "5", count: 32))).contact != nil)
        #expect(Decode.contact(RecordText.contact().with("phone", string: "")).contact?.phone == "")
    }

    @Test(arguments: ["reply", "opt_out", "opt_in"])
    func nullOrAbsentCampaignIsAcceptedForNonCampaignKinds(kind: String) throws {
        let null = try #require(Decode.event(RecordText.event(kind: kind).with("campaign_id", "null")).event)
        #expect(null.campaignId == nil)
        let absent = try #require(Decode.event(RecordText.event(kind: kind, campaign: nil)).event)
        #expect(absent.campaignId == nil)
        let present = try #require(Decode.event(RecordText.event(kind: kind, campaign: "spring")).event)
        #expect(present.campaignId == "spring")
    }

    @Test func unknownExtraFieldsAreIgnoredWhateverTheirValue() throws {
        let record = RecordText.contact()
            .with("source", string: "sis")
            .with("score", "-12.5e+3")
            .with("tags", #"["a",{"b":[null,true,false,0]},[]]"#)
            .with("meta", #"{"nested":{"deeper":{"x":"\u00e9\ud83d\ude00"}},"empty":{}}"#)
            .with("nothing", "null")
            .with("opted", "true")
        let c = try #require(Decode.contact(record).contact)
        #expect(c == Decode.contact(.contact()).contact)
    }

    @Test func idOfExactly64BytesIsAccepted() throws {
        let ascii = String(repeating: "c", count: 64)
        #expect(Decode.contact(.contact(id: ascii), key: ascii).contact?.contactId == ascii)
        // 32 two-byte characters: exactly 64 bytes.
        let accented = String(repeating: "é", count: 32)
        #expect(Decode.event(RecordText.event(campus: accented)).event?.campusId == accented)
    }

    @Test func valueOfExactlyOneMebibyteIsAccepted() throws {
        let base = RecordText.contact().with("pad", string: "").bytes
        let padding = RecordDecoder.maxValueBytes - base.count
        let value = RecordText.contact().with("pad", string: String(repeating: "x", count: padding)).bytes
        #expect(value.count == RecordDecoder.maxValueBytes)
        #expect(Decode.raw(.contacts, value).contact != nil)
    }

    @Test func duplicateFieldNamesLastOneWins() throws {
        let text = #"{"contact_id":"c-1","campus_id":"south","campus_id":"north","first_name":"Ana","#
            + #""phone":"1","opted_out":true,"opted_out":false,"updated_at":"2026-11-01T10:00:00Z"}"#
        let c = try #require(Decode.raw(.contacts, text).contact)
        #expect(c.campusId == "north")
        #expect(c.optedOut == false)
        // An earlier bad duplicate is overridden too.
        let fixed = #"{"contact_id":"c-1","campus_id":1,"campus_id":"north","first_name":"Ana","#
            + #""phone":"1","opted_out":false,"updated_at":"2026-11-01T10:00:00Z"}"#
        #expect(Decode.raw(.contacts, fixed).contact != nil)
    }

    @Test func insignificantWhitespaceIsAccepted() throws {
        let text = " \n\t{ \"contact_id\" : \"c-1\" ,\r\n \"campus_id\":\"north\", \"first_name\" :\"Ana\",\"phone\":\"1\","
            + "\"opted_out\" : false , \"updated_at\":\"2026-11-01T10:00:00Z\" } \n"
        #expect(Decode.raw(.contacts, text).contact != nil)
    }

    @Test func memberOrderDoesNotMatter() throws {
        var record = RecordText.event()
        record.members.reverse()
        #expect(Decode.event(record).event == Decode.event(.event()).event)
    }

    @Test func lowerCaseTAndZAndLeapSecondAreAccepted() throws {
        #expect(Decode.event(RecordText.event(at: "2026-11-01t10:05:00z")).event?.at.iso8601 == "2026-11-01T10:05:00.000Z")
        #expect(Decode.event(RecordText.event(at: "2016-12-31T23:59:60Z")).event?.at.iso8601 == "2017-01-01T00:00:00.000Z")
    }

    @Test func keyMayBeMultiByteUTF8() throws {
        let id = "contacto-ñ-😀"
        #expect(Decode.contact(.contact(id: id), key: id).contact?.contactId == id)
    }
}
