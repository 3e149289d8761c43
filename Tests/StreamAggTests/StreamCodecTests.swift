import BridgeModel
import Testing
@testable import StreamAgg

/// What the engine stores must read back exactly, and what it cannot read must be refused.
@Suite struct StreamCodecTests {
    @Test func rowsRoundTrip() {
        var full = ContactAggregate()
        full.contact = .init(campusId: "åland|x", firstName: "Zoë 👩🏽‍🎓 e\u{301}", phone: "", optedOut: true,
                             updatedAt: -62_135_596_800_000, offset: Int64.max)
        full.opt = .init(at: 253_402_300_799_999, eventId: "\u{0}id", optedOut: true)
        (full.sent, full.delivered, full.failed, full.replies, full.campaigns) = (1, 0, Int64(Int32.max) + 7, 3, 1)
        (full.firstEventAt, full.lastSentAt, full.lastReplyAt) = (-1, 0, 1)
        for aggregate in [ContactAggregate(), full] {
            for (digest, bucket) in [(UInt64(0), 0), ((UInt64(1) << 40) - 1, 4095)] {
                let stored = StoredAggregate(aggregate: aggregate, digest: digest, bucket: bucket)
                #expect(StoredAggregate(decoding: stored.encoded()) == stored)
            }
        }
        let bytes = StoredAggregate(aggregate: full, digest: 7, bucket: 1).encoded()
        #expect(StoredAggregate(decoding: Array(bytes.dropLast())) == nil, "a truncated row")
        #expect(StoredAggregate(decoding: bytes + [0]) == nil, "trailing bytes")
        #expect(StoredAggregate(decoding: [2] + bytes.dropFirst()) == nil, "an unknown version")
    }

    @Test func sharesAndOutboxEntriesRoundTrip() throws {
        let share = CampusDayPartial(sent: 1, delivered: 2, failed: 3, replies: 4, optOuts: 5, activeContacts: 1 << 40)
        #expect(CampusDayPartial(decoding: share.encoded()) == share)
        #expect(CampusDayPartial(decoding: Array(share.encoded().dropLast())) == nil)
        let day = try #require(CampusDayKey(kafkaKey: "east|west|2026-11-02"))
        let entry = OutboxEntry(contacts: ["c-1", "", "👩🏽‍🎓|{x}"], days: [day])
        #expect(OutboxEntry(decoding: entry.encoded()) == entry)
        #expect(OutboxEntry(decoding: Array(entry.encoded().dropLast())) == nil)
    }

    /// Seen members of different kinds, or with the contact/value boundary elsewhere, never collide.
    @Test func seenMembersAreUnambiguous() throws {
        let day = try #require(CampusDayKey(kafkaKey: "n|2026-11-01"))
        let members = [
            SeenMember.event(contact: "ab", eventId: "c"), SeenMember.event(contact: "a", eventId: "bc"),
            SeenMember.campaign(contact: "ab", campaignId: "c"), SeenMember.active(contact: "ab", day: day),
            SeenMember.event(contact: "", eventId: "abc"),
        ]
        #expect(Set(members).count == members.count)
    }
}
