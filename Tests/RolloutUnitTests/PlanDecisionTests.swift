@testable import Rollout
import Testing

/// The plan's rules on their own: what it does after a round, given the rounds it sees.
@Suite struct PlanDecisionTests {
    let plan = RolloutPlan(steps: [1, 10, 50, 100], rounds: 2, minSeconds: 60)

    func clean(_ id: Int64) -> RoundEvidence {
        RoundEvidence(id: id, consistent: true, discrepancies: 0, comparedContacts: 100, mismatches: 0)
    }

    func judged(_ id: Int64, _ verdicts: [String: Int64]) -> RoundEvidence {
        let n = verdicts.values.reduce(0, +)
        return RoundEvidence(id: id, consistent: true, discrepancies: n, comparedContacts: 100, mismatches: n, verdicts: verdicts)
    }

    func decide(_ plan: RolloutPlan? = nil, at position: RolloutPosition, unchecked: [RoundEvidence] = [], counted: [RoundEvidence],
                seconds: Double = 120) -> PlanDecision {
        PlanDecision.decide(plan: plan ?? self.plan, position: position, unchecked: unchecked, counted: counted,
                            secondsInStep: seconds, minKeys: 1)
    }

    @Test func advancesStepByStepOnCleanRoundsAndTime() {
        #expect(decide(at: .shadow, counted: [clean(8), clean(7)]) == .advance(to: .canary(1), rounds: [7, 8], reason: "plan: rounds 7, 8 consistent and clean and 120 s at shadow (needs 2 rounds and 60 s)"))
        guard case .advance(let next, _, _) = decide(at: .canary(50), counted: [clean(9), clean(8)]) else { Issue.record("no advance"); return }
        #expect(next == .cutover)
        #expect(decide(at: .cutover, counted: [clean(9), clean(8)]) == .complete)
        // A step that a manual move left between two steps goes on to the next larger one.
        guard case .advance(let after, _, _) = decide(at: .canary(30), counted: [clean(9), clean(8)]) else { Issue.record("no advance"); return }
        #expect(after == .canary(50))
    }

    @Test func waitsForRoundsAndSeconds() {
        guard case .wait(let few) = decide(at: .canary(1), counted: [clean(8)]) else { Issue.record("advanced"); return }
        #expect(few.contains("1 of the 2 rounds this step needs"))
        guard case .wait(let early) = decide(at: .canary(1), counted: [clean(8), clean(7)], seconds: 20) else { Issue.record("advanced"); return }
        #expect(early.contains("40 s left"))
    }

    @Test func anyUncleanRoundOfTheNewestHolds() {
        let behind = RoundEvidence(id: 8, consistent: true, discrepancies: 0, comparedContacts: 100, streamLag: 40, mismatches: 0)
        guard case .wait(let lag) = decide(at: .shadow, counted: [behind, clean(7)]) else { Issue.record("advanced"); return }
        #expect(lag.contains("stream path 40 offsets behind"))
        let inconsistent = RoundEvidence(id: 8, consistent: false, discrepancies: 0, comparedContacts: 0, mismatches: 0)
        guard case .wait(let cut) = decide(at: .shadow, counted: [inconsistent, clean(7)]) else { Issue.record("advanced"); return }
        #expect(cut.contains("compared nothing at a consistent cut"))
    }

    /// A round that compared nothing is one problem, said once (it used to be reported again as
    /// "compared 0 contacts, fewer than the 1 required").
    @Test func anEmptyRoundIsOneProblem() {
        let empty = RoundEvidence(id: 8, consistent: false, discrepancies: 0, comparedContacts: 0, mismatches: 0)
        #expect(empty.problems(minKeys: 1).count == 1)
        let few = RoundEvidence(id: 9, consistent: true, discrepancies: 0, comparedContacts: 3, mismatches: 0)
        #expect(few.problems(minKeys: 10) == ["round 9 (unfinished) compared 3 contacts, fewer than the 10 required"])
    }

    @Test func legacyWrongHoldsUnlessAccepted() {
        let legacyWrong = judged(8, ["legacy_wrong": 1])
        guard case .wait(let held) = decide(at: .canary(10), unchecked: [legacyWrong], counted: [legacyWrong, clean(7)]) else {
            Issue.record("not held"); return
        }
        #expect(held.hasPrefix("holding at canary 10%") && held.contains("1 legacy_wrong"))
        var accepting = plan
        accepting.accept = ["legacy_wrong"]
        guard case .advance(let next, _, _) = decide(accepting, at: .canary(10), unchecked: [legacyWrong], counted: [legacyWrong, clean(7)]) else {
            Issue.record("accepted legacy_wrong still held"); return
        }
        #expect(next == .canary(50))
    }

    @Test func whateverTheStreamMayBeWrongAboutRollsBackWhileItServes() {
        for verdicts: [String: Int64] in [["stream_wrong": 1], ["both_wrong": 1], ["undetermined": 1], ["unjudged": 3], ["legacy_wrong": 1, "unjudged": 1]] {
            let bad = judged(9, verdicts)
            guard case .rollback(let rounds, let reason) = decide(at: .canary(10), unchecked: [clean(8), bad], counted: [bad, clean(8)]) else {
                Issue.record("\(verdicts) did not roll back"); continue
            }
            #expect(rounds == [9] && reason.contains("round 9"))
            // In shadow the stream path serves nothing: the plan holds instead.
            guard case .wait = decide(at: .shadow, unchecked: [bad], counted: [bad, clean(8)]) else { Issue.record("\(verdicts) moved in shadow"); continue }
        }
        // Accepting legacy_wrong never accepts what the stream path may be wrong about.
        var accepting = plan
        accepting.accept = ["legacy_wrong"]
        guard case .rollback = decide(accepting, at: .cutover, unchecked: [judged(9, ["stream_wrong": 1])], counted: []) else {
            Issue.record("no rollback at cutover"); return
        }
    }

    @Test func aPausedPlanDoesNothing() {
        var paused = plan
        paused.paused = true
        paused.pausedReason = "operator"
        guard case .wait(let reason) = decide(paused, at: .canary(10), unchecked: [judged(9, ["stream_wrong": 1])], counted: [clean(9), clean(8)]) else {
            Issue.record("a paused plan acted"); return
        }
        #expect(reason.hasPrefix("paused: operator"))
    }

    @Test func plansAreValidated() {
        #expect(throws: RolloutPlan.Invalid.self) { try RolloutPlan(steps: [10, 50], rounds: 1, minSeconds: 0).validated() }
        #expect(throws: RolloutPlan.Invalid.self) { try RolloutPlan(steps: [50, 10, 100], rounds: 1, minSeconds: 0).validated() }
        #expect(throws: RolloutPlan.Invalid.self) { try RolloutPlan(steps: [0, 100], rounds: 1, minSeconds: 0).validated() }
        #expect(throws: RolloutPlan.Invalid.self) { try RolloutPlan(steps: [100], rounds: 0, minSeconds: 0).validated() }
        #expect(throws: RolloutPlan.Invalid.self) { try RolloutPlan(steps: [100], rounds: 1, minSeconds: 0, accept: ["stream_wrong"]).validated() }
        #expect((try? RolloutPlan(steps: [100], rounds: 1, minSeconds: 0, accept: ["legacy_wrong"]).validated()) != nil)
    }
}
