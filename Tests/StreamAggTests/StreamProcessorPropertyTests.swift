import BridgeModel
import KafkaClient
import Testing
@testable import StreamAgg

/// The stream path's fold must equal the reference fold of the contract, whatever the batch
/// boundaries, the interleaving of the two topics, and the replays of old batches.
@Suite struct StreamProcessorPropertyTests {
    /// Positions every item in its contact's partition, offsets in generation order.
    static func place(_ workload: Workload, topics: (InputTopic) -> String) -> [[KafkaRecord]] {
        var queues: [TopicPartition: [KafkaRecord]] = [:]
        for item in workload.items {
            let partition = Int32(truncatingIfNeeded: (item.key ?? []).reduce(UInt32(7)) { $0 &* 31 &+ UInt32($1) } % 4)
            let tp = TopicPartition(topics(item.topic), partition)
            let offset = Int64(queues[tp]?.count ?? 0)
            queues[tp, default: []].append(KafkaRecord(topic: tp.topic, partition: partition, offset: offset,
                                                        key: item.key, value: item.value,
                                                        timestampMillis: 1_700_000_000_000))
        }
        return queues.keys.sorted().map { queues[$0]! }
    }

    static func reference(_ queues: [[KafkaRecord]], input: (String) -> InputTopic?) -> ReferenceFold {
        var fold = ReferenceFold()
        for queue in queues {
            for r in queue { fold.apply(topic: input(r.topic)!, partition: r.partition, offset: r.offset, key: r.key, value: r.value) }
        }
        return fold
    }

    @Test(arguments: [UInt64(1), 2, 3, 42, 20261101])
    func matchesReferenceUnderRandomBatchesAndReplays(seed: UInt64) async throws {
        let env = try await StreamTestEnvironment(parallelism: Int(seed % 4) + 1)
        var rng = SeededGenerator(seed: seed)
        let topics = env.configuration.topics
        let workload = Workload.generate(count: 600, using: &rng)
        var queues = Self.place(workload, topics: topics.name(of:))
        let expected = Self.reference(queues, input: topics.input)
        // Guard against a vacuous pass: the workload must reach the interesting corners.
        #expect(expected.contactSummaryRows.count >= 25 && expected.campusDailyRows.count >= 12)
        #expect(expected.contactSummaryRows.contains { $0.optedOut } && expected.contactSummaryRows.contains { $0.firstName == nil })

        // Random interleaving of all partitions of both topics, cut into random batches.
        var stream: [KafkaRecord] = []
        while queues.contains(where: { !$0.isEmpty }) {
            let candidates = queues.indices.filter { !queues[$0].isEmpty }
            let pick = candidates.randomElement(using: &rng)!
            stream.append(queues[pick].removeFirst())
        }
        var batches: [[KafkaRecord]] = []
        var rest = stream[...]
        while !rest.isEmpty {
            let size = Int.random(in: 1...60, using: &rng)
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }

        let processor = env.processor()
        for (i, batch) in batches.enumerated() {
            try await processor.process(batch)
            if i > 0 && Int.random(in: 0..<4, using: &rng) == 0 {
                try await processor.process(batches[Int.random(in: 0..<i, using: &rng)])
            }
        }
        // A full replay from the start (Redis lost all offsets) changes nothing either.
        for batch in batches.prefix(5) { try await processor.process(batch) }

        let export = try await env.export()
        #expect(export.contacts == expected.contactSummaryRows, "seed \(seed): contact_summary differs")
        #expect(export.days == expected.campusDailyRows, "seed \(seed): campus_daily differs")
        if export.contacts != expected.contactSummaryRows {
            for (a, b) in zip(export.contacts, expected.contactSummaryRows) where a != b {
                print("seed \(seed)\n stream:    \(a.json)\n reference: \(b.json)")
            }
        }
        try await env.cleanUp()
    }

    /// Ties of opt events at the same instant go to the byte-wise greater event_id, whatever
    /// collation the Redis server's locale would apply to Lua's string `<`.
    @Test func optTiesAreByteWise() async throws {
        let env = try await StreamTestEnvironment(parallelism: 1)
        let topic = env.configuration.topics.messageEvents
        func event(_ offset: Int64, _ contact: String, _ id: String, _ kind: String) -> KafkaRecord {
            let text = "{\"event_id\":\(JSONText.string(id)),\"contact_id\":\"\(contact)\",\"campus_id\":\"north\",\"kind\":\"\(kind)\",\"at\":\"2026-11-01T10:00:00Z\"}"
            return KafkaRecord(topic: topic, partition: 0, offset: offset, key: Array(contact.utf8), value: Array(text.utf8))
        }
        // "B" (0x42) < "a" (0x61) byte-wise, while a UTF-8 locale collates "a" before "B";
        // "\u{E9}" (0xC3 0xA9) is greater than "z" byte-wise, but collates before it.
        try await env.processor().process([
            event(0, "x1", "a", "opt_in"), event(1, "x1", "B", "opt_out"),
            event(2, "x2", "B", "opt_out"), event(3, "x2", "a", "opt_in"),
            event(4, "x3", "z", "opt_in"), event(5, "x3", "\u{E9}", "opt_out"),
        ])
        let rows = try await env.export().contacts
        #expect(rows.map(\.contactId) == ["x1", "x2", "x3"])
        #expect(rows.map(\.optedOut) == [false, false, true])
        try await env.cleanUp()
    }
}
