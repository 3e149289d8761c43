import BridgeModel
@testable import Comparator
import KafkaClient
import Testing

/// The rules a judgement rests on, without services: when the log cannot give the fold, and how
/// a stored row stands against the fold's row.
@Suite struct AdjudicationRuleTests {
    let tp = TopicPartition("message-events", 2)

    /// The embedded broker keeps every record from offset 0 (no retention, no DeleteRecords),
    /// so the retention case is only reachable here, from the watermarks a real cluster reports.
    @Test func aPartitionThatNoLongerStartsAtZeroIsUndetermined() {
        let reason = Adjudicator.cannotRebuild([tp: 500], marks: [tp: (low: 120, high: 900)], maxRecords: 1_000_000)
        #expect(reason?.contains("no longer starts at offset 0 (its first retained offset is 120)") == true, "\(reason ?? "nil")")
        #expect(Adjudicator.cannotRebuild([tp: 500], marks: [tp: (low: 0, high: 900)], maxRecords: 1_000_000) == nil)
        // A partition the stores applied nothing of needs nothing, whatever its watermarks.
        #expect(Adjudicator.cannotRebuild([tp: 0], marks: [tp: (low: 120, high: 900)], maxRecords: 1_000_000) == nil)
        let over = Adjudicator.cannotRebuild([tp: 500], marks: [tp: (low: 0, high: 900)], maxRecords: 499)
        #expect(over?.contains("would read 500 records, more than the limit of 499") == true)
    }

    @Test func verdictsFollowWhichRowEqualsTheFold() {
        #expect(Verdict.of(legacyRight: true, streamRight: true) == .agree)
        #expect(Verdict.of(legacyRight: false, streamRight: true) == .legacyWrong)
        #expect(Verdict.of(legacyRight: true, streamRight: false) == .streamWrong)
        #expect(Verdict.of(legacyRight: false, streamRight: false) == .bothWrong)
    }

    @Test func aStoredRowStandsAgainstTheFoldUnderTheRules() {
        let fold = AggregateRow.contact(ContactSummaryRow(contactId: "c-1", campusId: "north", messagesSent: 8))
        let off = AggregateRow.contact(ContactSummaryRow(contactId: "c-1", campusId: "north", messagesSent: 9))
        #expect(Judgement.standing(of: fold, against: fold, table: .contactSummary, rules: ComparisonRules()) == .matches)
        #expect(Judgement.standing(of: off, against: fold, table: .contactSummary, rules: ComparisonRules())
            == .differs([FieldDeviation(field: "messages_sent", stored: "9", reference: "8")]))
        #expect(Judgement.standing(of: off, against: fold, table: .contactSummary, rules: ComparisonRules(tolerance: ["messages_sent": 1])) == .matches)
        #expect(Judgement.standing(of: nil, against: fold, table: .contactSummary, rules: ComparisonRules()) == .missing)
        #expect(Judgement.standing(of: fold, against: nil, table: .contactSummary, rules: ComparisonRules()) == .unexpected)
        #expect(Judgement.standing(of: nil, against: nil, table: .contactSummary, rules: ComparisonRules()) == .matches)
    }
}
