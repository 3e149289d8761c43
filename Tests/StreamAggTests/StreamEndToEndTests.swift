import BridgeModel
import BridgeSupport
import BridgeTestSupport
import KafkaClient
import Testing
@testable import StreamAgg

/// The whole stream path through Kafka: consumer group, processor, Redis, output topics.
@Suite struct StreamEndToEndTests {
    /// Produces the workload with the contact id as key; returns the reference fold of it.
    static func produce(_ workload: Workload, env: StreamTestEnvironment, into fold: inout ReferenceFold, offsetBase: Int64) async throws {
        let topics = env.configuration.topics
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
        let loop = try await StreamPath.makeService(configuration: env.configuration, exitWhenIdle: true, logger: env.logger)
        try await loop.run()
    }

    static func checkOutputs(_ env: StreamTestEnvironment, _ export: (contacts: [ContactSummaryRow], days: [CampusDailyRow])) async throws {
        let topics = env.configuration.topics
        let summaries = try await TopicReader.lastValues(topics.contactSummaryStream, configuration: env.configuration)
        let published = try summaries.values.map { try ContactSummaryRow(json: $0) }.sorted { Array($0.contactId.utf8).lexicographicallyPrecedes(Array($1.contactId.utf8)) }
        #expect(published == export.contacts)
        let days = try await TopicReader.lastValues(topics.campusDailyStream, configuration: env.configuration)
        let publishedDays = try days.values.map { try CampusDailyRow(json: $0) }.sorted { $0.key < $1.key }
        #expect(publishedDays == export.days)
    }

    @Test func consumesToTheEndAndPublishesTheLatestRows() async throws {
        let env = try await StreamTestEnvironment()
        var rng = SeededGenerator(seed: 7)
        var fold = ReferenceFold()
        try await Self.produce(Workload.generate(count: 1500, using: &rng), env: env, into: &fold, offsetBase: 0)
        try await Self.runUntilIdle(env)

        let export = try await env.export()
        #expect(export.contacts == fold.contactSummaryRows)
        #expect(export.days == fold.campusDailyRows)
        try await Self.checkOutputs(env, export)
        try await env.cleanUp()
    }

    /// Redis lost its record of applied offsets while Kafka's commit is ahead: the path replays
    /// from the beginning, the per-contact metadata skips what was applied, nothing is counted twice.
    @Test func redisLosingItsOffsetsCountsNothingTwice() async throws {
        let env = try await StreamTestEnvironment(parallelism: 2)
        var rng = SeededGenerator(seed: 11)
        var fold = ReferenceFold()
        try await Self.produce(Workload.generate(count: 800, using: &rng), env: env, into: &fold, offsetBase: 0)
        try await Self.runUntilIdle(env)
        let first = try await env.export()
        #expect(first.contacts == fold.contactSummaryRows)

        _ = try await env.redis[0].command(["DEL", env.prefix + "offsets:stream"])
        try await Self.produce(Workload.generate(count: 400, using: &rng), env: env, into: &fold, offsetBase: 1_000_000)
        try await Self.runUntilIdle(env)

        let export = try await env.export()
        #expect(export.contacts == fold.contactSummaryRows)
        #expect(export.days == fold.campusDailyRows)
        try await Self.checkOutputs(env, export)
        try await env.cleanUp()
    }
}
