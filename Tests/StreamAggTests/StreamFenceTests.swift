import BridgeModel
import KafkaClient
import Testing
@testable import StreamAgg

/// The fence: a partition's state is written only by the instance holding its latest claim,
/// and only on top of the offsets that instance left; a frozen former owner writes nothing
/// stale and corrects what it published late.
@Suite struct StreamFenceTests {
    static func workload(_ env: StreamTestEnvironment, seed: UInt64) -> PlacedWorkload {
        var rng = SeededGenerator(seed: seed)
        return PlacedWorkload(Workload.generate(count: 400, using: &rng), topics: env.topics, partitionCount: StreamTestEnvironment.partitions)
    }

    /// The raw state of a partition (hash fields and set members, sorted), to show that a
    /// refused commit changed nothing.
    static func state(_ env: StreamTestEnvironment, partition p: Int32) async throws -> [[String]] {
        let keys = env.store.keyspace.partition(p)
        let replies = try await env.redis.execute([.command(["HGETALL", keys.meta]), .command(["HGETALL", keys.rows]),
                                                   .command(["SMEMBERS", keys.seen]), .command(["HGETALL", keys.days]),
                                                   .command(["GET", keys.sums]), .command(["HGETALL", keys.outbox])])
        return try replies.enumerated().map { index, reply in
            switch index {
            case 2: return try #require(try reply.check().array).map { "\($0)" }.sorted()        // the seen set
            case 4: return ["\(try reply.check())"]                                             // the sums string
            default:
                let items = try #require(try reply.check().array)
                return stride(from: 0, to: items.count, by: 2).map { "\(items[$0])=\(items[$0 + 1])" }.sorted()
            }
        }
    }

    @Test func aCommitForAPartitionAnotherInstanceClaimedIsRefused() async throws {
        try await withStreamEnvironment { env in
            let placed = Self.workload(env, seed: 3)
            let p0 = placed.partitions[TopicPartition(env.topics.messageEvents, 0)]!
            let p1 = placed.partitions[TopicPartition(env.topics.messageEvents, 1)]!

            let old = try await env.driver()
            try await old.apply(Array(p0.prefix(10)))
            let newer = try await env.driver(partitions: [0])
            let before = try await Self.state(env, partition: 0)

            await #expect(throws: EngineReset.self) { try await old.apply(Array(p0[10..<20])) }
            #expect(try await Self.state(env, partition: 0) == before, "a refused commit wrote something")
            // Partitions nobody else claimed stay the old instance's.
            try await old.apply(Array(p1.prefix(10)))
            // The new owner goes on from where the partition stands.
            try await newer.apply(Array(p0[10..<20]))
            #expect(try await Self.state(env, partition: 0) != before)
            await old.close()
            await newer.close()
        }
    }

    @Test func aFormerOwnerThatPublishesLateRepublishesWhatIsStored() async throws {
        try await withStreamEnvironment { env in
            let placed = Self.workload(env, seed: 4)
            let all = placed.partitions.keys.sorted().flatMap { placed.partitions[$0]! }
            let zombie = try await env.driver()
            let half = all.filter { $0.offset < 20 }
            // The zombie commits a batch, then freezes before publishing it.
            let folded = try await zombie.fold(half)
            try await zombie.worker.commit(folded)

            // Meanwhile another instance claims everything (publishing the zombie's outbox) and
            // applies the rest, changing many of the same contacts.
            let owner = try await env.driver()
            try await owner.apply(all.filter { $0.offset >= 20 })

            // The zombie wakes up and publishes its stale rows; its release is refused, so it
            // publishes what is stored now and gives up.
            await #expect(throws: EngineReset.self) { try await zombie.worker.publish(folded) }
            await zombie.close()
            await owner.close()

            let stored = try await env.export()
            let expected = placed.reference(topics: env.topics)
            #expect(stored.contacts == expected.contactSummaryRows)
            #expect(stored.days == expected.campusDailyRows)
            let published = try await env.published()
            #expect(published.contacts == stored.contacts, "the last value per contact is the stored one")
            #expect(published.days == stored.days)
        }
    }

    /// Redis restarted from an append-only file that lacks its last writes: the running owner's
    /// next commit finds the offsets moved and is refused; a new claim resumes from what Redis
    /// kept, and the result is exact.
    @Test func redisLosingItsLastCommitsIsNoticedAndReplayedExactly() async throws {
        try await withStreamEnvironment { env in
            let placed = Self.workload(env, seed: 5)
            var rng = SeededGenerator(seed: 55)
            let batches = placed.batches(maxBatch: 40, using: &rng)
            let driver = try await env.driver()
            for batch in batches.prefix(3) { try await driver.apply(batch) }
            let snapshot = try await Self.dump(env)
            for batch in batches[3..<6] { try await driver.apply(batch) }
            try await Self.restore(env, snapshot)

            await #expect(throws: EngineReset.self) { try await driver.apply(batches[6]) }
            await driver.close()

            let resumed = try await env.driver()
            for batch in placed.batches(from: try await env.store.appliedOffsets(), maxBatch: 40, using: &rng) {
                try await resumed.apply(batch)
            }
            await resumed.close()
            let expected = placed.reference(topics: env.topics)
            let stored = try await env.export()
            #expect(stored.contacts == expected.contactSummaryRows)
            #expect(stored.days == expected.campusDailyRows)
        }
    }

    static func dump(_ env: StreamTestEnvironment) async throws -> [(key: String, value: [UInt8])] {
        let reply = try await env.redis.command(["KEYS", env.prefix + "*"]).check()
        let keys = (reply.array ?? []).compactMap(\.string)
        let dumps = try await env.redis.execute(keys.map { .command(["DUMP", $0]) })
        return zip(keys, dumps).compactMap { key, dump in if case .bulk(let b) = dump { (key, b) } else { nil } }
    }

    /// Replaces the prefix's keys by the dumped ones, as a restart from an older file would.
    static func restore(_ env: StreamTestEnvironment, _ snapshot: [(key: String, value: [UInt8])]) async throws {
        _ = try await env.redis.deleteKeys(matching: env.prefix + "*")
        for (key, value) in snapshot {
            _ = try await env.redis.pipeline([[Array("RESTORE".utf8), Array(key.utf8), Array("0".utf8), value]])[0].check()
        }
    }
}
