import BridgeModel
import BridgeSupport
import Foundation
import Testing

/// The stream path against what production does to it: Redis losing its last writes, and
/// several instances in one consumer group, one of them killed.
@Suite(.sharedMachine) struct StreamFaultTests {
    @Test func redisRestartedWithoutItsLastWritesEndsExact() async throws {
        try await withTestEnvironment { env in
            try await withPrivateRedis { redis in
                try await redis.start()
                var bridge = env.bridge
                bridge.environment["BRIDGE_REDIS_URL"] = redis.url

                try await bridge.run(["generate", "--contacts", "200", "--events", "4000", "--seed", "21"])
                try await bridge.run(["run", "--stream", "--exit-when-idle"])
                // Past Redis' one-second fsync interval, the files hold everything applied so far.
                try await Task.sleep(for: .milliseconds(1500))
                let snapshot = try redis.snapshot()

                try await bridge.run(["generate", "--contacts", "200", "--events", "3000", "--seed", "22"])
                try await bridge.run(["run", "--stream", "--exit-when-idle"])
                // Kafka's committed offsets are now past the second workload; Redis is about to forget it.
                try await redis.stop()
                try redis.restore(snapshot)
                try await redis.start()

                let fold = try await env.referenceFold()
                let expectedContacts = fold.contactSummaryRows.map(\.json)
                let afterLoss = try await bridge.run(["export", "--source", "stream", "--table", "contact_summary"]).split(separator: "\n").map(String.init)
                #expect(afterLoss != expectedContacts, "the restart really lost writes (otherwise this test proves nothing)")

                try await bridge.run(["run", "--stream", "--exit-when-idle"])
                let contacts = try await bridge.run(["export", "--source", "stream", "--table", "contact_summary"]).split(separator: "\n").map(String.init)
                let days = try await bridge.run(["export", "--source", "stream", "--table", "campus_daily"]).split(separator: "\n").map(String.init)
                #expect(contacts == expectedContacts, "first difference: \(firstDifference(contacts, expectedContacts))")
                #expect(days == fold.campusDailyRows.map(\.json), "first difference: \(firstDifference(days, fold.campusDailyRows.map(\.json)))")
                let published = try await env.lastPublished(env.configuration.topics.contactSummaryStream)
                #expect(published == Dictionary(uniqueKeysWithValues: fold.contactSummaryRows.map { ($0.contactId, $0.json) }))
            }
        }
    }

    /// Two and three instances in one consumer group; one is killed -9 while they work and its
    /// partitions move to the others; the rest stop on SIGTERM. The result must be one clean run's.
    @Test(arguments: [2, 3])
    func instancesSharingTheGroupOneKilledGiveTheSameAggregates(instances: Int) async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "300", "--events", "12000", "--seed", "31"])

            var running: [(process: Process, err: URL)] = []
            for _ in 0..<instances {
                let (process, _, err) = try env.bridge.start(["run", "--stream", "--no-http"])
                running.append((process, err))
            }
            // They join (about one session timeout), share the partitions and work; then one dies.
            try await Task.sleep(for: .seconds(8))
            let victim = running.removeFirst().process
            kill(victim.processIdentifier, SIGKILL)
            victim.waitUntilExit()
            try await env.bridge.run(["generate", "--contacts", "300", "--events", "4000", "--seed", "32"])

            let fold = try await env.referenceFold()
            let expectedContacts = fold.contactSummaryRows.map(\.json)
            let expectedDays = fold.campusDailyRows.map(\.json)
            var contacts: [String] = []
            var days: [String] = []
            // The instances run until told to stop: wait (bounded) until the store has caught up.
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                contacts = try await env.bridge.run(["export", "--source", "stream", "--table", "contact_summary"]).split(separator: "\n").map(String.init)
                days = try await env.bridge.run(["export", "--source", "stream", "--table", "campus_daily"]).split(separator: "\n").map(String.init)
                if contacts == expectedContacts && days == expectedDays { break }
                try await Task.sleep(for: .seconds(2))
            }
            #expect(contacts == expectedContacts, "first difference: \(firstDifference(contacts, expectedContacts))")
            #expect(days == expectedDays, "first difference: \(firstDifference(days, expectedDays))")

            // SIGTERM is a graceful shutdown: the remaining instances leave the group and exit 0.
            for (process, err) in running {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "\(String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self).suffix(800))")
            }
            // A contact is only ever written by the instance owning its partition, so the last
            // value published per contact is its final row; campus-days sum every partition's
            // share, and each instance re-reads and re-publishes them until they settle
            // (StreamWorker.settle).
            let published = try await env.lastPublished(env.configuration.topics.contactSummaryStream)
            #expect(published == Dictionary(uniqueKeysWithValues: fold.contactSummaryRows.map { ($0.contactId, $0.json) }))
            let publishedDays = try await env.lastPublished(env.configuration.topics.campusDailyStream)
            #expect(publishedDays == Dictionary(uniqueKeysWithValues: fold.campusDailyRows.map { ($0.key.kafkaKey, $0.json) }))
        }
    }

    /// Two instances; one is frozen (SIGSTOP) past its session timeout while it works, the other
    /// takes over its partitions, and then the frozen one wakes up (SIGCONT) in the middle of
    /// whatever it was doing. Its commits are fenced off, what it publishes late is corrected,
    /// and nothing it does makes the store or the last published rows differ from the contract.
    ///
    /// The embedded broker may keep the consumer group wedged once the frozen member returns
    /// (docs/operations.md); the store decides where a path resumes, so the run is finished by a
    /// fresh instance in a new group (BRIDGE_STREAM_GROUP), as an operator would.
    @Test func anInstanceFrozenPastItsSessionCommitsNothingStale() async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "300", "--events", "30000", "--seed", "71"])
            let (frozen, _, frozenErr) = try env.bridge.start(["run", "--stream", "--no-http"])
            let (other, _, otherErr) = try env.bridge.start(["run", "--stream", "--no-http"])
            defer {
                for p in [frozen, other] where p.isRunning { kill(p.processIdentifier, SIGCONT); kill(p.processIdentifier, SIGKILL) }
            }
            // Both joined (about one session timeout) and share the partitions; freeze one mid-work.
            try await Task.sleep(for: .seconds(9))
            kill(frozen.processIdentifier, SIGSTOP)
            // More input for the survivor, which takes the frozen member's partitions once its
            // session (6 s here) expires.
            try await env.bridge.run(["generate", "--contacts", "300", "--events", "10000", "--seed", "72"])
            try await Task.sleep(for: .seconds(16))
            kill(frozen.processIdentifier, SIGCONT)
            // Awake, the former owner finishes or abandons what it had in flight.
            try await env.bridge.run(["generate", "--contacts", "300", "--events", "5000", "--seed", "73"])
            try await Task.sleep(for: .seconds(8))
            #expect(frozen.isRunning, "the woken instance stays up: \(String(decoding: (try? Data(contentsOf: frozenErr)) ?? Data(), as: UTF8.self).suffix(800))")
            #expect(other.isRunning, "the survivor stays up: \(String(decoding: (try? Data(contentsOf: otherErr)) ?? Data(), as: UTF8.self).suffix(800))")
            for p in [frozen, other] {
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
            }

            var finisher = env.bridge
            finisher.environment["BRIDGE_STREAM_GROUP"] = env.prefix + "stream-finish"
            try await finisher.run(["run", "--stream", "--exit-when-idle", "--no-http"])

            try await env.expectStreamMatchesFold(exportingWith: env.bridge)
        }
    }
}
