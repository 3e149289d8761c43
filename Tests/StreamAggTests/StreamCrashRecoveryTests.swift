import KafkaClient
import Testing
@testable import StreamAgg

/// A crash between the Redis step and the publish: the replay finds every record applied and
/// must still publish the rows those records changed.
@Suite struct StreamCrashRecoveryTests {
    @Test func replayAfterACrashBeforePublishingPublishesAgain() async throws {
        let env = try await StreamTestEnvironment(parallelism: 2)
        var rng = SeededGenerator(seed: 5)
        let topics = env.configuration.topics
        let batch = Workload.generate(count: 200, using: &rng).items.enumerated().map { i, item in
            KafkaRecord(topic: topics.name(of: item.topic), partition: 0, offset: Int64(i), key: item.key, value: item.value)
        }
        let processor = env.processor()
        // The Redis step alone, as if the process died right after it.
        _ = try await processor.fold(BatchGrouping(batch, topics: topics))
        try await processor.process(batch)

        let export = try await env.export()
        #expect(export.contacts.count > 20 && export.days.count > 10)
        try await StreamEndToEndTests.checkOutputs(env, export)
        try await env.cleanUp()
    }
}
