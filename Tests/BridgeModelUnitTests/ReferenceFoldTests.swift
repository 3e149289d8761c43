import BridgeModel
import Testing

/// The contract's section 2 definitions, checked against rows computed by hand.
@Suite struct ReferenceFoldTests {
    static func ts(_ s: String) -> Timestamp { Timestamp.parseRFC3339(s)! }
    static func day(_ s: String) -> Day { Day.parse(s)! }

    static func contact(_ id: String = "c-1", campus: String = "north", name: String = "Ana", phone: String = "1",
                        optedOut: Bool = false, at: String = "2026-11-01T10:00:00Z") -> InputRecord {
        .contact(ContactUpdate(contactId: id, campusId: campus, firstName: name, phone: phone,
                               optedOut: optedOut, updatedAt: ts(at)))
    }

    static func event(_ id: String, contact: String = "c-1", kind: EventKind, at: String,
                      campus: String = "north", campaign: String? = nil) -> InputRecord {
        .event(MessageEvent(eventId: id, contactId: contact, campusId: campus,
                            campaignId: campaign ?? (kind.requiresCampaign ? "fall" : nil), kind: kind, at: ts(at)))
    }

    /// Applies records in the given order, offsets counting up per topic from 0.
    static func fold(_ records: [InputRecord]) -> ReferenceFold {
        var fold = ReferenceFold()
        var offsets: [InputTopic: Int64] = [:]
        for record in records {
            let topic: InputTopic = if case .contact = record { .contacts } else { .messageEvents }
            let offset = offsets[topic, default: 0]
            offsets[topic] = offset + 1
            fold.apply(topic: topic, partition: 0, offset: offset, record: record)
        }
        return fold
    }

    @Test func fullScenarioMatchesHandComputedRows() throws {
        let fold = Self.fold([
            Self.contact("c-1", campus: "north", name: "Ana", phone: "+1555", optedOut: false, at: "2026-11-01T09:00:00Z"),
            Self.event("m-1", kind: .sent, at: "2026-11-01T10:00:00Z", campaign: "fall"),
            Self.event("m-2", kind: .delivered, at: "2026-11-01T10:00:05Z", campaign: "fall"),
            Self.event("m-3", kind: .sent, at: "2026-11-01T11:00:00Z", campaign: "spring"),
            Self.event("m-4", kind: .sent, at: "2026-11-02T08:00:00Z", campaign: "fall"),
            Self.event("m-5", kind: .failed, at: "2026-11-02T08:00:01Z", campaign: "fall"),
            Self.event("m-6", kind: .reply, at: "2026-11-01T12:00:00Z"),
            Self.event("m-7", kind: .reply, at: "2026-11-01T09:30:00Z"),   // earliest event: first_event_at
            Self.event("m-8", kind: .optIn, at: "2026-11-02T09:00:00Z", campus: "south"),
            Self.event("m-9", contact: "c-2", kind: .sent, at: "2026-11-01T10:30:00Z", campaign: "fall"),
            Self.event("m-10", contact: "c-2", kind: .optOut, at: "2026-11-01T10:31:00Z"),
        ])

        #expect(fold.contactSummaries["c-1"] == ContactSummaryRow(
            contactId: "c-1", campusId: "north", firstName: "Ana", phone: "+1555", optedOut: false,
            messagesSent: 3, messagesDelivered: 1, messagesFailed: 1, replies: 2, campaigns: 2,
            firstEventAt: Self.ts("2026-11-01T09:30:00Z"), lastSentAt: Self.ts("2026-11-02T08:00:00Z"),
            lastReplyAt: Self.ts("2026-11-01T12:00:00Z")))
        #expect(fold.contactSummaries["c-2"] == ContactSummaryRow(
            contactId: "c-2", optedOut: true, messagesSent: 1, campaigns: 1,
            firstEventAt: Self.ts("2026-11-01T10:30:00Z"), lastSentAt: Self.ts("2026-11-01T10:30:00Z")))
        #expect(fold.contactSummaries.count == 2)

        let daily = fold.campusDailyRows
        #expect(daily == [
            CampusDailyRow(campusId: "north", day: Self.day("2026-11-01"), sent: 3, delivered: 1, replies: 2,
                           optOuts: 1, activeContacts: 2),
            CampusDailyRow(campusId: "north", day: Self.day("2026-11-02"), sent: 1, failed: 1, activeContacts: 1),
            CampusDailyRow(campusId: "south", day: Self.day("2026-11-02"), activeContacts: 1),
        ])
        #expect(fold.campusDaily.count == 3)
        #expect(fold.campusDaily[CampusDayKey(campusId: "south", day: Self.day("2026-11-02"))]?.activeContacts == 1)
    }

    @Test func contactTieOnUpdatedAtGoesToTheGreaterOffset() {
        let fold = Self.fold([
            Self.contact(campus: "north", at: "2026-11-01T10:00:00Z"),   // offset 0
            Self.contact(campus: "south", at: "2026-11-01T10:00:00Z"),   // offset 1: same time, wins
            Self.contact(campus: "east", at: "2026-11-01T09:59:59.999Z"), // offset 2: older, loses
        ])
        #expect(fold.contactSummaries["c-1"]?.campusId == "south")
    }

    @Test func laterUpdatedAtWinsOverLaterOffset() {
        let fold = Self.fold([
            Self.contact(campus: "west", name: "Newest", at: "2026-11-01T11:00:00Z"),
            Self.contact(campus: "north", name: "Older", at: "2026-11-01T10:00:00Z"),
        ])
        let row = fold.contactSummaries["c-1"]
        #expect(row?.campusId == "west")
        #expect(row?.firstName == "Newest")
    }

    @Test func explicitOffsetsDecideContactTies() {
        var fold = ReferenceFold()
        let t = "2026-11-01T10:00:00Z"
        fold.apply(topic: .contacts, partition: 3, offset: 40, record: Self.contact(campus: "b", at: t))
        fold.apply(topic: .contacts, partition: 3, offset: 17, record: Self.contact(campus: "a", at: t))
        #expect(fold.contactSummaries["c-1"]?.campusId == "b")
    }

    @Test func optEventsTiedOnAtAreBrokenByEventIdBytes() {
        let at = "2026-11-01T10:00:00Z"
        // "m-2" > "m-10" byte-wise ('2' > '1'), so the opt_out wins in either order.
        for order in [[0, 1], [1, 0]] {
            let events = [Self.event("m-2", kind: .optOut, at: at), Self.event("m-10", kind: .optIn, at: at)]
            #expect(Self.fold(order.map { events[$0] }).contactSummaries["c-1"]?.optedOut == true)
        }
    }

    @Test func optTieBreakUsesBytesWhereSwiftStringOrderDisagrees() {
        let decomposed = "e\u{301}x"   // bytes 65 CC 81 78
        let precomposed = "\u{E9}a"    // bytes C3 A9 61
        // Swift orders canonically ("éx" > "éa"); the contract orders bytes (0x65 < 0xC3).
        #expect(decomposed > precomposed)
        #expect(Array(decomposed.utf8).lexicographicallyPrecedes(Array(precomposed.utf8)))

        let at = "2026-11-01T10:00:00Z"
        let optOut = Self.event(decomposed, kind: .optOut, at: at)
        let optIn = Self.event(precomposed, kind: .optIn, at: at)
        #expect(Self.fold([optOut, optIn]).contactSummaries["c-1"]?.optedOut == false)
        #expect(Self.fold([optIn, optOut]).contactSummaries["c-1"]?.optedOut == false)
    }

    @Test func latestOptEventByTimeWinsRegardlessOfArrival() {
        let fold = Self.fold([
            Self.event("m-1", kind: .optOut, at: "2026-11-01T12:00:00Z"),
            Self.event("m-2", kind: .optIn, at: "2026-11-01T11:00:00Z"),
        ])
        #expect(fold.contactSummaries["c-1"]?.optedOut == true)
    }

    @Test func optEventOverridesContactRecordOptedOut() {
        let optIn = Self.fold([
            Self.contact(optedOut: true, at: "2026-11-05T00:00:00Z"),
            Self.event("m-1", kind: .optIn, at: "2026-11-01T00:00:00Z"),   // older than the contact record, still wins
        ])
        #expect(optIn.contactSummaries["c-1"]?.optedOut == false)
        let optOut = Self.fold([Self.contact(optedOut: false), Self.event("m-1", kind: .optOut, at: "2026-11-01T00:00:00Z")])
        #expect(optOut.contactSummaries["c-1"]?.optedOut == true)
        // Without opt events the contact record decides, and other kinds do not count as opt events.
        let plain = Self.fold([Self.contact(optedOut: true), Self.event("m-1", kind: .reply, at: "2026-11-01T00:00:00Z")])
        #expect(plain.contactSummaries["c-1"]?.optedOut == true)
    }

    @Test func duplicateEventWithDifferentContentChangesNothing() {
        let fold = Self.fold([
            Self.event("m-1", kind: .sent, at: "2026-11-01T10:00:00Z", campaign: "fall"),
            Self.event("m-2", kind: .delivered, at: "2026-11-01T10:00:01Z"),
            Self.event("m-1", kind: .reply, at: "2026-11-03T10:00:00Z", campus: "south"),
            Self.event("m-1", kind: .sent, at: "2026-10-01T10:00:00Z", campaign: "spring"),
            Self.event("m-1", kind: .optOut, at: "2026-12-01T10:00:00Z"),
        ])
        #expect(fold.contactSummaries["c-1"] == ContactSummaryRow(
            contactId: "c-1", optedOut: false, messagesSent: 1, messagesDelivered: 1, campaigns: 1,
            firstEventAt: Self.ts("2026-11-01T10:00:00Z"), lastSentAt: Self.ts("2026-11-01T10:00:00Z")))
        #expect(fold.campusDailyRows == [
            CampusDailyRow(campusId: "north", day: Self.day("2026-11-01"), sent: 1, delivered: 1, activeContacts: 1),
        ])
    }

    @Test func dedupeIsPerContactAndByteWise() {
        let at = "2026-11-01T10:00:00Z"
        let fold = Self.fold([
            Self.event("m-1", contact: "c-1", kind: .sent, at: at),
            Self.event("m-1", contact: "c-2", kind: .sent, at: at),          // other contact: counts
            Self.event("\u{E9}", contact: "c-1", kind: .sent, at: at),
            Self.event("e\u{301}", contact: "c-1", kind: .sent, at: at),     // canonically equal, other bytes: counts
        ])
        #expect(fold.contactSummaries["c-1"]?.messagesSent == 3)
        #expect(fold.contactSummaries["c-2"]?.messagesSent == 1)
        #expect(fold.campusDailyRows.first?.sent == 4)
    }

    @Test func distinctCampaignsAreByteWise() {
        let at = "2026-11-01T10:00:00Z"
        let fold = Self.fold([
            Self.event("m-1", kind: .sent, at: at, campaign: "caf\u{E9}"),
            Self.event("m-2", kind: .sent, at: at, campaign: "cafe\u{301}"),
            Self.event("m-3", kind: .sent, at: at, campaign: "caf\u{E9}"),
            Self.event("m-4", kind: .delivered, at: at, campaign: "other"),   // not a sent event
        ])
        #expect(fold.contactSummaries["c-1"]?.campaigns == 2)
    }

    @Test func eventsAtAndJustBeforeUTCMidnightLandOnTheirOwnDays() {
        let fold = Self.fold([
            Self.event("m-1", kind: .sent, at: "2026-11-01T23:59:59.999Z"),
            Self.event("m-2", kind: .sent, at: "2026-11-02T00:00:00.000Z"),
            Self.event("m-3", kind: .reply, at: "2026-11-01T19:00:00-05:00"),   // 2026-11-02T00:00Z
        ])
        #expect(fold.campusDailyRows == [
            CampusDailyRow(campusId: "north", day: Self.day("2026-11-01"), sent: 1, activeContacts: 1),
            CampusDailyRow(campusId: "north", day: Self.day("2026-11-02"), sent: 1, replies: 1, activeContacts: 1),
        ])
    }

    @Test func campusDailyUsesTheEventsCampusNotTheContacts() {
        let fold = Self.fold([
            Self.contact(campus: "north"),
            Self.event("m-1", kind: .sent, at: "2026-11-01T10:00:00Z", campus: "south"),
        ])
        #expect(fold.campusDailyRows.map(\.campusId) == ["south"])
        #expect(fold.contactSummaries["c-1"]?.campusId == "north")
    }

    @Test func contactSeenOnlyThroughEventsHasNullAttributes() {
        let fold = Self.fold([Self.event("m-1", contact: "c-9", kind: .delivered, at: "2026-11-01T10:00:00Z")])
        let row = fold.contactSummaries["c-9"]
        #expect(row == ContactSummaryRow(contactId: "c-9", optedOut: false, messagesDelivered: 1,
                                         firstEventAt: Self.ts("2026-11-01T10:00:00Z")))
        #expect(row?.json == #"{"contact_id":"c-9","campus_id":null,"first_name":null,"phone":null,"opted_out":false,"#
            + #""messages_sent":0,"messages_delivered":1,"messages_failed":0,"replies":0,"campaigns":0,"#
            + #""first_event_at":"2026-11-01T10:00:00.000Z","last_sent_at":null,"last_reply_at":null}"#)
    }

    @Test func contactSeenOnlyThroughContactRecordsHasZeroCountsAndNoCampusDaily() {
        let fold = Self.fold([Self.contact(optedOut: true)])
        #expect(fold.contactSummaries["c-1"] == ContactSummaryRow(contactId: "c-1", campusId: "north", firstName: "Ana",
                                                                  phone: "1", optedOut: true))
        #expect(fold.campusDaily.isEmpty)
    }

    @Test func topicInterleavingDoesNotMatter() {
        let contacts = [Self.contact(campus: "a", at: "2026-11-01T10:00:00Z"), Self.contact(campus: "b", at: "2026-11-01T09:00:00Z")]
        let events = [
            Self.event("m-1", kind: .sent, at: "2026-11-01T10:00:00Z"),
            Self.event("m-2", kind: .optOut, at: "2026-11-01T11:00:00Z"),
            Self.event("m-1", kind: .reply, at: "2026-11-01T12:00:00Z"),
        ]
        var folds: [ReferenceFold] = []
        // Every way of merging the two ordered lists.
        for mask in 0..<(1 << 5) where mask.nonzeroBitCount == 2 {
            var fold = ReferenceFold()
            var (ci, ei) = (0, 0)
            for position in 0..<5 {
                if mask & (1 << position) != 0 {
                    fold.apply(topic: .contacts, partition: 0, offset: Int64(ci), record: contacts[ci]); ci += 1
                } else {
                    fold.apply(topic: .messageEvents, partition: 0, offset: Int64(ei), record: events[ei]); ei += 1
                }
            }
            folds.append(fold)
        }
        #expect(folds.count == 10)
        for fold in folds {
            #expect(fold.contactSummaryRows == folds[0].contactSummaryRows)
            #expect(fold.campusDailyRows == folds[0].campusDailyRows)
        }
        #expect(folds[0].contactSummaries["c-1"]?.campusId == "a")
        #expect(folds[0].contactSummaries["c-1"]?.optedOut == true)
    }

    @Test func invalidRecordsChangeNothing() {
        var fold = ReferenceFold()
        let bad = fold.apply(topic: .messageEvents, partition: 0, offset: 0, key: Array("c-1".utf8),
                             value: RecordText.event(kind: "bounced").bytes)
        #expect(bad?.code == .unknownKind)
        #expect(fold.apply(topic: .contacts, partition: 0, offset: 0, key: Array("c-1".utf8), value: nil)?.code == .missingValue)
        #expect(fold.contactSummaries.isEmpty)
        #expect(fold.campusDaily.isEmpty)

        // An invalid first occurrence does not claim the event id: the later valid one counts.
        fold.apply(topic: .messageEvents, partition: 0, offset: 1, key: Array("c-1".utf8),
                   value: RecordText.event(id: "m-1", at: "2026-02-30T00:00:00Z").bytes)
        let ok = fold.apply(topic: .messageEvents, partition: 0, offset: 2, key: Array("c-1".utf8),
                            value: RecordText.event(id: "m-1").bytes)
        #expect(ok == nil)
        #expect(fold.contactSummaries["c-1"]?.messagesSent == 1)
    }

    @Test func canonicallyEquivalentContactIdsStayApartInRows() {
        let fold = Self.fold([
            Self.event("m-1", contact: "caf\u{E9}", kind: .sent, at: "2026-11-01T10:00:00Z"),
            Self.event("m-1", contact: "cafe\u{301}", kind: .sent, at: "2026-11-01T10:00:00Z"),
        ])
        let rows = fold.contactSummaryRows
        #expect(rows.count == 2)
        #expect(rows.map { Array($0.contactId.utf8) } == [Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8)])
        #expect(fold.campusDailyRows.first?.activeContacts == 2)
    }

    @Test func rowsAreSortedByteWise() {
        let fold = Self.fold([
            Self.event("m", contact: "b", kind: .reply, at: "2026-11-01T10:00:00Z", campus: "Z"),
            Self.event("m", contact: "B", kind: .reply, at: "2026-11-01T10:00:00Z", campus: "a"),
            Self.event("m", contact: "a", kind: .reply, at: "2026-10-01T10:00:00Z", campus: "a"),
        ])
        #expect(fold.contactSummaryRows.map(\.contactId) == ["B", "a", "b"])
        #expect(fold.campusDailyRows.map(\.key.kafkaKey) == ["Z|2026-11-01", "a|2026-10-01", "a|2026-11-01"])
    }
}
