import BridgeSupport
import Foundation
import Testing

/// The verdicts behind /livez, /readyz and /healthz, on reports made by hand and a clock moved
/// by hand (ProbeRules takes `now`).
@Suite struct ProbeRulesTests {
    let rules = ProbeRules(stuckAfter: 60, livenessLimit: 600)
    let up = ["postgresql", "redis", "kafka"].map { ProbeRules.ServiceState(service: $0, address: "127.0.0.1:1", ok: true, detail: "") }

    @Test func livenessFailsOnlyForALoopSilentPastTheLimit() {
        let activity = PathActivity()
        activity.started("legacy", reporting: [.polls, .assignments])
        activity.started("stream", reporting: [.polls, .assignments])
        activity.started("shadow")
        activity.polled("stream")
        let soon = Date().addingTimeInterval(30)
        #expect(rules.liveness(activity: activity.snapshots, now: soon).isEmpty)

        let later = Date().addingTimeInterval(700)
        let problems = rules.liveness(activity: activity.snapshots, now: later)
        // Both loops went silent; the comparator, which sleeps between rounds, is not judged.
        #expect(problems.count == 2 && problems.allSatisfy { $0.contains("has not come round its loop") && $0.contains("limit 600 s") })
        #expect(!problems.contains { $0.hasPrefix("shadow") })
    }

    @Test func anErrorWhileWaitingOutAnOutageIsASignOfLife() {
        let activity = PathActivity()
        activity.started("router", reporting: [.polls, .assignments])
        struct Unreachable: Error {}
        // ServiceOutage.retrying reports every attempt; a loop doing that is waiting, not hung.
        Thread.sleep(forTimeInterval: 0.01)
        activity.failed("router", Unreachable())
        let snapshot = activity.snapshots[0]
        #expect(snapshot.lastSignOfLifeAt > snapshot.startedAt)
        #expect(rules.liveness(activity: activity.snapshots, now: snapshot.lastSignOfLifeAt.addingTimeInterval(599)).isEmpty)
    }

    @Test func readinessNeedsAnAssignmentAndTheServicesOfEachComponent() {
        let activity = PathActivity()
        activity.started("legacy", reporting: [.polls, .assignments])
        activity.started("stream", reporting: [.polls, .assignments])
        let now = Date()
        var readiness = rules.readiness(components: ["legacy", "stream", "shadow"], services: up, lags: [:], activity: activity.snapshots, now: now)
        #expect(readiness.problems.sorted() == ["legacy is waiting for its consumer group to assign it partitions",
                                                "shadow has not started yet",
                                                "stream is waiting for its consumer group to assign it partitions"])

        activity.assigned("legacy", partitions: 8)
        activity.assigned("stream", partitions: 0)   // more members than partitions: still ready
        readiness = rules.readiness(components: ["legacy", "stream"], services: up, lags: [:], activity: activity.snapshots, now: now)
        #expect(readiness.ready && readiness.components == ["legacy": true, "stream": true])

        // Redis down blocks the stream path only.
        var services = up
        services[1].ok = false
        services[1].detail = "Connection refused"
        readiness = rules.readiness(components: ["legacy", "stream"], services: services, lags: [:], activity: activity.snapshots, now: now)
        #expect(readiness.problems == ["redis at 127.0.0.1:1 (needed by stream): Connection refused"])
        #expect(readiness.components == ["legacy": true, "stream": false])

        activity.revoked("legacy")
        readiness = rules.readiness(components: ["legacy"], services: up, lags: [:], activity: activity.snapshots, now: now)
        #expect(readiness.components == ["legacy": false], "a rebalance in progress")
    }

    @Test func aComponentIsJudgedOnlyByWhatItPromisedToReport() {
        // One that reports batches and errors only (no polls, no assignments), like a path
        // engine that has not wired those reports yet: never "waiting for partitions", never
        // silent, however long it runs idle.
        let activity = PathActivity()
        activity.started("stream")
        let later = Date().addingTimeInterval(3600)
        #expect(rules.liveness(activity: activity.snapshots, now: later).isEmpty)
        #expect(rules.readiness(components: ["stream"], services: up, lags: [:], activity: activity.snapshots, now: later).ready)
        // A loop that stopped is no longer judged either.
        activity.started("legacy", reporting: [.polls, .assignments])
        activity.stopped("legacy")
        #expect(rules.liveness(activity: activity.snapshots, now: later).isEmpty)
    }

    @Test func stuckAndFailingPathsAreNeitherHealthyNorReady() {
        let activity = PathActivity()
        activity.started("legacy", reporting: [.polls, .assignments])
        activity.assigned("legacy", partitions: 4)
        let later = Date().addingTimeInterval(90)
        // Behind with nothing applied since its start 90 s ago.
        let stuck = rules.health(services: up, lags: ["legacy": 500], activity: activity.snapshots, now: later)
        #expect(stuck == ["legacy path is stuck: 500 records behind and nothing applied for 90 s"])
        #expect(!rules.readiness(components: ["legacy"], services: up, lags: ["legacy": 500], activity: activity.snapshots, now: later).ready)
        // Caught up: not stuck however long it has been quiet.
        #expect(rules.health(services: up, lags: ["legacy": 0], activity: activity.snapshots, now: later).isEmpty)

        struct Refused: Error, CustomStringConvertible { var description: String { "postgresql refused" } }
        activity.failed("legacy", Refused())
        let now = Date()
        #expect(rules.health(services: up, lags: [:], activity: activity.snapshots, now: now) == ["legacy path failed: postgresql refused"])
        Thread.sleep(forTimeInterval: 0.01)
        activity.applied("legacy", records: 10)
        #expect(rules.health(services: up, lags: [:], activity: activity.snapshots, now: Date()).isEmpty, "recovered by a later batch")
    }
}
