import BridgeTestSupport
import BridgeModel
import BridgeSupport
import KafkaClient
import LegacySQL
import Logging
import PostgresClient
import Testing

@Suite("Legacy path against the running services")
struct LegacyPathTests {
    let logger = Logger(label: "legacy-test")

    /// Produces the workload and runs the legacy loop until it has consumed everything.
    private func produceAndRun(_ services: IsolatedServices, workload: LegacyWorkload) async throws -> Int {
        let producer = try KafkaProducer(configuration: services.configuration.kafka)
        try await producer.send(workload.records)
        await producer.close()
        return try await runLoop(services, groupId: services.configuration.legacyGroup)
    }

    /// Runs an input loop with `exitWhenIdle` and returns how many records it was handed.
    private func runLoop(_ services: IsolatedServices, groupId: String) async throws -> Int {
        let processor = CountingProcessor(
            inner: try await LegacyPath.makeProcessor(configuration: services.configuration, logger: logger))
        let loop = InputLoop(configuration: services.configuration, groupId: groupId,
                             processor: processor, exitWhenIdle: true, logger: logger)
        try await loop.run()
        return processor.counter.value
    }

    private func outboxCounts(_ postgres: PostgresClient) async throws -> [Int64] {
        let row = try await postgres.query("""
            SELECT (SELECT count(*) FROM legacy.summary_outbox),
                   (SELECT count(*) FROM legacy.dead_letter_outbox),
                   (SELECT count(*) FROM legacy.summary_outbox WHERE published_at IS NULL)
                 + (SELECT count(*) FROM legacy.dead_letter_outbox WHERE published_at IS NULL)
            """)[0]
        return [try row.int(0), try row.int(1), try row.int(2)]
    }

    @Test("end to end: the legacy store, its outbox topic and its dead letters match the reference fold")
    func endToEnd() async throws {
        try await withIsolatedServices { services in
            let topics = services.configuration.topics
            let workload = LegacyWorkload(topics: topics)
            let consumed = try await produceAndRun(services, workload: workload)
            #expect(consumed == workload.records.count)

            let read = try await TopicReader.readAll(
                [topics.contacts, topics.messageEvents, topics.deadLetter, topics.contactSummaryLegacy],
                configuration: services.configuration)

            // The oracle, fed with the coordinates the broker assigned.
            var fold = ReferenceFold()
            var expectedLetters: Set<DeadLetter> = []
            for (tp, records) in read {
                guard let input = topics.input(tp.topic) else { continue }
                for r in records {
                    if let rejection = fold.apply(topic: input, partition: r.partition, offset: r.offset, key: r.key, value: r.value) {
                        expectedLetters.insert(DeadLetter(path: "legacy", sourceTopic: r.topic, partition: r.partition,
                                                          offset: r.offset, reason: rejection.reason, payload: r.value))
                    }
                }
            }
            #expect(expectedLetters.count == workload.invalidCount)

            let postgres = try await PostgresClient(url: services.configuration.postgresURL)
            let export = LegacyExport(postgres: postgres)
            let summaries = try await export.contactSummaries()
            let daily = try await export.campusDaily()
            #expect(summaries == fold.contactSummaryRows)
            #expect(daily == fold.campusDailyRows)
            #expect(summaries.count == 41)

            // Exactly one letter per invalid record.
            let letters = try read.filter { $0.key.topic == topics.deadLetter }.values.joined()
                .map { try DeadLetter(json: $0.value ?? []) }
            #expect(letters.count == workload.invalidCount)
            #expect(Set(letters) == expectedLetters)

            // The outbox topic's latest value per key is the stored row.
            var latest: [String: ContactSummaryRow] = [:]
            for (tp, records) in read where tp.topic == topics.contactSummaryLegacy {
                for r in records {
                    let row = try ContactSummaryRow(json: r.value ?? [])
                    #expect(r.key == Array(row.contactId.utf8))
                    latest[row.contactId] = row
                }
            }
            #expect(latest.count == summaries.count)
            for row in summaries { #expect(latest[row.contactId] == row) }

            let counts = try await outboxCounts(postgres)
            #expect(counts[1] == Int64(workload.invalidCount))
            #expect(counts[2] == 0, "everything relayed")
            postgres.close()
        }
    }

    @Test("replay under a new consumer group: PostgreSQL's applied offsets win, nothing changes")
    func replayWithFreshGroup() async throws {
        try await withIsolatedServices { services in
            let workload = LegacyWorkload(topics: services.configuration.topics)
            _ = try await produceAndRun(services, workload: workload)

            let postgres = try await PostgresClient(url: services.configuration.postgresURL)
            let export = LegacyExport(postgres: postgres)
            let summaries = try await export.contactSummaries()
            let daily = try await export.campusDaily()
            let counts = try await outboxCounts(postgres)

            let reread = try await runLoop(services, groupId: services.configuration.topicPrefix + "legacy-replay")
            #expect(reread == 0, "the fresh group starts where PostgreSQL says the path stopped")
            #expect(try await export.contactSummaries() == summaries)
            #expect(try await export.campusDaily() == daily)
            #expect(try await outboxCounts(postgres) == counts)
            postgres.close()
        }
    }
}
