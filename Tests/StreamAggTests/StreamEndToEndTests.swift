import BridgeModel
import BridgeSupport
import BridgeTestSupport
import KafkaClient
import Testing
@testable import StreamAgg

/// The whole stream path through Kafka: consumer group, the pipelined engine, Redis, output topics.
@Suite struct StreamEndToEndTests {
    /// Produces the workload with the contact id as key; returns the reference fold of it.
    static func produce(_ workload: Workload, env: StreamTestEnvironment, into fold: inout ReferenceFold, offsetBase: Int64) async throws {
        let topics = env.topics
        try await env.producer.send(workload.items.map {
            OutgoingRecord(topic: topics.name(of: $0.topic), key: $0.key, value: $0.value)
        })
        // Produce order restricted to one partition is that partition's order, so the production
        // index stands in for the offset in the reference fold's tie-break.
        for (i, item) in workload.items.enumerated() {
            fold.apply(topic: item.topic, partition: 0, offset: offsetBase + Int64(i), key: item.key, value: item.value)
        }
    }

    static func runUntilIdle(_ env: StreamTestEnvironment) async throws {
        try await StreamEngine(configuration: env.configuration, exitWhenIdle: true, logger: env.logger).run()
    }

    @Test func consumesToTheEndAndPublishesTheLatestRows() async throws {
        try await withStreamEnvironment { env in
            var rng = SeededGenerator(seed: 7)
            var fold = ReferenceFold()
            try await Self.produce(Workload.generate(count: 1500, using: &rng), env: env, into: &fold, offsetBase: 0)
            try await Self.runUntilIdle(env)
            // A second run resumes where the first stopped and applies only what is new.
            try await Self.produce(Workload.generate(count: 500, using: &rng), env: env, into: &fold, offsetBase: 1_000_000)
            try await Self.runUntilIdle(env)

            let export = try await env.export()
            #expect(export.contacts == fold.contactSummaryRows)
            #expect(export.days == fold.campusDailyRows)
            let published = try await env.published()
            #expect(published.contacts == export.contacts)
            #expect(published.days == export.days)
        }
    }

    /// A store written by the previous engine (per-contact keys) is refused with a one-line
    /// error that says how to rebuild it, instead of being mixed with the new layout.
    @Test func aStoreOfThePreviousEngineIsRefused() async throws {
        try await withStreamEnvironment { env in
            _ = try await env.redis.command(["HSET", StreamKeyspace(prefix: env.prefix).previousEngineOffsets, env.topics.contacts + "|0", "10"]).check()
            var fold = ReferenceFold()
            var rng = SeededGenerator(seed: 8)
            try await Self.produce(Workload.generate(count: 20, using: &rng), env: env, into: &fold, offsetBase: 0)
            do {
                try await Self.runUntilIdle(env)
                Issue.record("the engine ran on a store of the previous engine")
            } catch {
                #expect("\(error)".contains("previous stream engine") && "\(error)".contains("bridge stream reset"))
            }
        }
    }

    /// A store of another layout version (written by a later bridge, say) is refused the same way.
    @Test func aStoreOfAnotherLayoutIsRefused() async throws {
        try await withStreamEnvironment { env in
            _ = try await env.redis.command(["HSET", StreamKeyspace(prefix: env.prefix).layout,
                                              LayoutField.version, "3", LayoutField.partitions, "4"]).check()
            var fold = ReferenceFold()
            var rng = SeededGenerator(seed: 9)
            try await Self.produce(Workload.generate(count: 20, using: &rng), env: env, into: &fold, offsetBase: 0)
            do {
                try await Self.runUntilIdle(env)
                Issue.record("the engine ran on a store of layout 3")
            } catch {
                #expect("\(error)".contains("has layout 3, this bridge reads layout 2") && "\(error)".contains("bridge stream reset"))
            }
        }
    }
}
