import BridgeModel
import Testing
@testable import StreamAgg

/// What the engine stores must read back exactly, and what it cannot read must be refused.
@Suite struct StreamCodecTests {
    @Test func rowsRoundTrip() throws {
        var full = ContactAggregate()
        full.contact = .init(campusId: "åland|x", firstName: "Zoë 👩🏽‍🎓 e\u{301}", phone: "", optedOut: true,
                             updatedAt: -62_135_596_800_000, offset: Int64.max)
        full.opt = .init(at: 253_402_300_799_999, eventId: "\u{0}id", optedOut: true)
        (full.sent, full.delivered, full.failed, full.replies, full.campaigns) = (1, 0, Int64(Int32.max) + 7, 3, 1)
        (full.firstEventAt, full.lastSentAt, full.lastReplyAt) = (-1, 0, 1)
        var spilled = full
        for n in 0...ContactAggregate.campaignMemoCapacity {
            _ = spilled.campaignIds.insert(ByteKey("camp-\(n)"), capacity: ContactAggregate.campaignMemoCapacity)
        }
        _ = spilled.activeDays.insert(ActiveDay(campusId: "é|x", day: -3), capacity: ContactAggregate.activeDayMemoCapacity)
        #expect(spilled.campaignIds.spilled && !spilled.activeDays.spilled)
        for aggregate in [ContactAggregate(), full, spilled] {
            for (digest, bucket) in [(UInt64(0), 0), ((UInt64(1) << 40) - 1, 4095)] {
                let stored = StoredAggregate(aggregate: aggregate, digest: digest, bucket: bucket)
                let decoded = try #require(try BatchFolder.aggregate(.bulk(stored.encoded()), contactId: "c-1"))
                #expect(decoded.aggregate == aggregate && decoded.digest == digest && decoded.bucket == bucket)
            }
        }
        // Bytes that are not a row this version wrote are reported as corrupt state, never read.
        let bytes = StoredAggregate(aggregate: full, digest: 7, bucket: 1).encoded()
        for bad in [Array(bytes.dropLast()), bytes + [0], [2] + bytes.dropFirst()] {
            #expect(throws: StreamError.self) { _ = try BatchFolder.aggregate(.bulk(bad), contactId: "c-1") }
        }
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

    /// A memo holds everything until it overflows; then it hands every element to the seen set
    /// once and each later one as it comes, keeping the most recent in the row.
    @Test func memosSpillOnceThenPassNewElementsOn() {
        var memo = RowMemo<Int>()
        for n in 0..<3 { #expect(memo.insert(n, capacity: 3).isEmpty) }
        #expect(!memo.spilled && memo.items == [0, 1, 2])
        #expect(memo.insert(3, capacity: 3) == [0, 1, 2, 3])
        #expect(memo.spilled && memo.items == [1, 2, 3])
        #expect(memo.insert(4, capacity: 3) == [4])
        #expect(memo.items == [2, 3, 4] && !memo.contains(0))
    }

    /// Seen members of different kinds, or with the contact/value boundary elsewhere, never collide.
    @Test func seenMembersAreUnambiguous() throws {
        let day = ActiveDay(campusId: "n", day: 20_000)
        let members = [
            SeenMember.event(contact: "ab", eventId: "c"), SeenMember.event(contact: "a", eventId: "bc"),
            SeenMember.campaign(contact: "ab", campaignId: "c"), SeenMember.active(contact: "ab", day: day),
            SeenMember.event(contact: "", eventId: "abc"),
        ]
        #expect(Set(members).count == members.count)
    }
}
