import Comparator
import Testing

@Suite struct ComparisonRulesTests {
    @Test func parsesIgnoreAndTolerance() throws {
        let rules = try ComparisonRules.parse(ignore: " phone, campus_daily.sent ", tolerance: "messages_sent=1, campus_daily.failed=2")
        #expect(rules.ignored == ["phone", "campus_daily.sent"])
        #expect(rules.tolerance == ["messages_sent": 1, "campus_daily.failed": 2])
        #expect(throws: ComparisonRules.Invalid.self) { try ComparisonRules.parse(ignore: nil, tolerance: "x=-1") }
        #expect(throws: ComparisonRules.Invalid.self) { try ComparisonRules.parse(ignore: nil, tolerance: "x") }
    }

    @Test func appliesPerTable() {
        let rules = ComparisonRules(ignored: ["campus_daily.sent"], tolerance: ["messages_sent": 1])
        let legacy = [(name: "sent", json: "3"), (name: "messages_sent", json: "3"), (name: "phone", json: "\"a\"")]
        let stream = [(name: "sent", json: "9"), (name: "messages_sent", json: "4"), (name: "phone", json: "null")]
        #expect(rules.differences(.campusDaily, legacy: legacy, stream: stream).map(\.field) == ["phone"])
        #expect(rules.differences(.contactSummary, legacy: legacy, stream: stream).map(\.field) == ["sent", "phone"])
    }

    @Test func comparesBytesNotCanonicalEquivalence() {
        let rules = ComparisonRules()
        let diff = rules.differences(.contactSummary, legacy: [(name: "first_name", json: "\"\u{e9}\"")],
                                     stream: [(name: "first_name", json: "\"e\u{301}\"")])
        #expect(diff.count == 1)
    }
}
