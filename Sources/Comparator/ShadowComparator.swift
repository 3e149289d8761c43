import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import LegacySQL
import PostgresClient
import RedisClient
import ServiceSupport
import StreamAgg

/// One shadow comparison round: reads both stores (each at a known set of input offsets),
/// compares the rows that both computed from the same offsets, classifies the rest as lagging
/// or stale, and stores the round.
package struct ShadowComparator: Sendable {
    package let postgres: PostgresClient
    package let redis: RedisClient
    /// Where the input topics are: mismatches are judged against the fold of their records.
    package let kafka: KafkaConfiguration
    package let topics: TopicNames
    package let settings: ComparatorSettings
    /// Told what the round is doing as it moves on (`bridge compare` shows it on long rounds).
    package var progress: @Sendable (String) -> Void = { _ in }

    package init(postgres: PostgresClient, redis: RedisClient, kafka: KafkaConfiguration, topics: TopicNames, settings: ComparatorSettings) {
        self.postgres = postgres
        self.redis = redis
        self.kafka = kafka
        self.topics = topics
        self.settings = settings
    }

    /// Runs and stores one round; the returned round carries its id. Checksummed when both
    /// paths stand at the same offsets (the common case once they keep up), else a full read.
    /// `verify` recomputes the stream's bucket sums from its rows instead of trusting the sums
    /// its commits maintain (slower; finds rows changed behind the stream engine's back).
    package func round(verify: Bool = false) async throws -> ComparisonRound {
        let clock = ContinuousClock()
        let started = clock.now
        let startedAt = Self.now()
        progress("reading both paths' offsets")
        let reading: Reading
        switch try await checksummedReading(verify: verify) {
        case .done(let r): reading = r
        case .notAtCut(let reason): reading = try await fullReading(reason: reason)
        }
        var outcome = reading.merge.outcome
        if outcome.mismatches > 0 && settings.judgeLimit > 0 {
            progress("judging up to \(settings.judgeLimit) mismatches against the input records")
        }
        let judging = await RoundJudge(adjudicator: adjudicator, limit: settings.judgeLimit)
            .judge(&outcome.samples, outcome: outcome, states: reading.states)
        let round = ComparisonRound(
            id: 0, startedAt: startedAt, finishedAt: Self.now(), durationMillis: (clock.now - started).inMilliseconds,
            legacyReadMillis: reading.legacyMillis, streamReadMillis: reading.streamMillis,
            compareMillis: reading.compareMillis, method: reading.method, outcome: outcome,
            partitions: reading.states, legacyLag: reading.merge.cut.legacyLag, streamLag: reading.merge.cut.streamLag,
            graceSeconds: settings.graceSeconds, rules: settings.rules, judging: judging)
        progress("storing the round")
        return try await RoundStore(postgres: postgres).save(round)
    }

    /// Judges keys against the input log with this round's rules and limits.
    package var adjudicator: Adjudicator {
        Adjudicator(kafka: kafka, topics: topics, rules: settings.rules, maxRecords: settings.judgeMaxRecords)
    }

    /// What either way of reading produced.
    struct Reading {
        var method: ComparisonMethod
        var states: [PartitionState]
        var merge: RowMerge
        var legacyMillis: Int64
        var streamMillis: Int64
        var compareMillis: Int64
    }

    enum ChecksummedAttempt {
        case done(Reading)
        case notAtCut(reason: String)
    }

    /// Bucket sums first (`StreamStore.digests`, `LegacyDigestSQL`); rows only of buckets that
    /// differ. Valid only when both stores reflect exactly the same offsets: then equal sums mean
    /// equal rows, and every contact of an equal bucket counts as compared. Otherwise rows held
    /// back by lag cannot be told apart without reading them, so the round reads everything.
    func checksummedReading(verify: Bool) async throws -> ChecksummedAttempt {
        let clock = ContinuousClock()
        let store = StreamStore(redis: redis, prefix: topics.prefix)
        let legacyExport = LegacyExport(postgres: postgres)
        // Each partition's offsets, maintained sums and campus-day shares, read atomically.
        let (digests, digestMillis) = try await Self.timed { try await store.digests() }
        let streamOffsets = digests.reduce(into: [TopicPartition: Int64]()) { $0.merge($1.appliedOffsets) { $1 } }
        let maintained = digests.reduce(into: [Int: Int64]()) { sums, digest in
            for (bucket, sum) in digest.bucketSums { sums[bucket, default: 0] &+= sum }
        }
        // A cheap look first: when the legacy path is elsewhere the sums could not be used.
        guard Self.sameOffsets(try await legacyExport.appliedOffsets(), streamOffsets) else {
            return .notAtCut(reason: "paths at different offsets")
        }

        progress("summing \(ContactDigest.bucketCount) key ranges on both stores")
        // Both sides concurrently, each on its own client thread.
        async let legacyRead = Self.timed { try await legacyExport.digestSums(verify: verify) { Self.sameOffsets($0, streamOffsets) } }
        async let streamRead = Self.timed { () -> [Int: Int64]? in
            guard verify else { return maintained }
            var recomputed: [Int: Int64] = [:]
            for digest in digests {
                for (bucket, sum) in try await store.recomputedSums(partition: digest.partition) { recomputed[bucket, default: 0] &+= sum }
            }
            // The walk is not atomic: it describes the offsets only if none moved meanwhile.
            return try await store.appliedOffsets() == streamOffsets ? recomputed : nil
        }
        let (legacySums, legacyMillis) = try await legacyRead
        let (streamSums, verifyMillis) = try await streamRead
        guard let legacySums else { return .notAtCut(reason: "paths at different offsets") }
        guard let streamSums else { return .notAtCut(reason: "stream moved while its sums were verified") }
        let verification = verify ? SumVerification(driftedBuckets: Self.differingBuckets(maintained, streamSums).count) : nil

        // Rows only of buckets whose sums differ, read again at the same offsets.
        let differing = Self.differingBuckets(legacySums.buckets.mapValues(\.sum), streamSums)
        if !differing.isEmpty { progress("reading the rows of \(differing.count) key ranges that differ") }
        let drillStarted = clock.now
        async let legacyRows = legacyExport.contacts(inBuckets: differing, at: legacySums.appliedOffsets)
        async let streamRows = store.contacts(inBuckets: Set(differing))
        guard let legacy = try await legacyRows else { return .notAtCut(reason: "legacy moved while read") }
        let stream = try await streamRows
        if !differing.isEmpty, try await store.appliedOffsets() != streamOffsets { return .notAtCut(reason: "stream moved while read") }
        let drillMillis = (clock.now - drillStarted).inMilliseconds

        progress("comparing")
        let compareStarted = clock.now
        let states = try await observedStates(legacy: legacySums.appliedOffsets, stream: streamOffsets, unsettled: [])
        var merge = RowMerge(cut: cut(states), rules: settings.rules, sampleLimit: settings.sampleLimit)
        let differingSet = Set(differing)
        merge.comparedByChecksum(.contactSummary, rows: legacySums.buckets.reduce(0) { total, bucket in
            differingSet.contains(bucket.key) ? total : total + Int(bucket.value.contacts)
        })
        merge.contacts(legacy: legacy.contacts, legacyPartitions: legacy.partitions, stream: stream, streamPartitions: pairPartitions)
        merge.campusDays(legacy: legacySums.campusDaily, stream: PartitionDigest.campusDaily(digests))
        return .done(Reading(method: .checksums(buckets: ContactDigest.bucketCount, bucketsRead: differing.count, verification: verification),
                             states: states, merge: merge, legacyMillis: legacyMillis + drillMillis,
                             streamMillis: digestMillis + verifyMillis + drillMillis, compareMillis: (clock.now - compareStarted).inMilliseconds))
    }

    /// Both stores read whole, concurrently; every key gets its own verdict from the cut.
    func fullReading(reason: String) async throws -> Reading {
        let legacyExport = LegacyExport(postgres: postgres)
        let store = StreamStore(redis: redis, prefix: topics.prefix)
        progress("reading both stores whole (\(reason))")
        // Each store is read on its own client thread, so the two reads overlap.
        async let legacyRead = Self.timed { try await legacyExport.snapshot() }
        async let streamRead = Self.timed { try await StreamSnapshot.read(store) }
        let (legacy, legacyMillis) = try await legacyRead
        let (stream, streamMillis) = try await streamRead

        progress("comparing \(legacy.contacts.count) legacy and \(stream.contacts.count) stream contacts")
        let clock = ContinuousClock()
        let compareStarted = clock.now
        let states = try await observedStates(legacy: legacy.appliedOffsets, stream: stream.appliedOffsets,
                                              unsettled: stream.unsettled)
        var merge = RowMerge(cut: cut(states), rules: settings.rules, sampleLimit: settings.sampleLimit)
        merge.contacts(legacy: legacy.contacts, legacyPartitions: legacy.contactPartitions, stream: stream.contacts,
                       streamPartitions: pairPartitions)
        merge.campusDays(legacy: legacy.campusDaily, stream: stream.campusDaily)
        return Reading(method: .full(reason: reason), states: states, merge: merge, legacyMillis: legacyMillis,
                       streamMillis: streamMillis, compareMillis: (clock.now - compareStarted).inMilliseconds)
    }

    /// The input partitions a stream partition pair covers.
    private func pairPartitions(_ p: Int32) -> [TopicPartition] {
        [TopicPartition(topics.contacts, p), TopicPartition(topics.messageEvents, p)]
    }

    /// The partitions' states, with those whose lag outlasted the grace period marked stale
    /// (the tracker remembers earlier rounds' offsets in PostgreSQL).
    private func observedStates(legacy: [TopicPartition: Int64], stream: [TopicPartition: Int64],
                                unsettled: Set<TopicPartition>) async throws -> [PartitionState] {
        var states = Self.partitionStates(legacy: legacy, stream: stream, unsettled: unsettled)
        let stale = try await StalenessTracker(postgres: postgres).observe(states, graceSeconds: settings.graceSeconds)
        for i in states.indices where stale.contains(states[i].partition) { states[i].stale = true }
        return states
    }

    private func cut(_ states: [PartitionState]) -> ConsistentCut {
        ConsistentCut(partitions: Dictionary(uniqueKeysWithValues: states.map { ($0.partition, $0) }),
                      messageEventsTopic: topics.messageEvents)
    }

    static func partitionStates(legacy: [TopicPartition: Int64], stream: [TopicPartition: Int64],
                                unsettled: Set<TopicPartition>) -> [PartitionState] {
        let known = Set(legacy.keys).union(stream.keys).union(unsettled)
        return known.sorted().map { tp in
            // A path with no record of a partition has applied nothing of it.
            PartitionState(partition: tp, legacy: legacy[tp] ?? 0, stream: stream[tp] ?? 0,
                           streamSettled: !unsettled.contains(tp))
        }
    }

    /// Same next offset on every partition either path knows (absent counts as 0).
    static func sameOffsets(_ a: [TopicPartition: Int64], _ b: [TopicPartition: Int64]) -> Bool {
        Set(a.keys).union(b.keys).allSatisfy { (a[$0] ?? 0) == (b[$0] ?? 0) }
    }

    /// Buckets whose sums differ (a bucket absent on one side sums to 0 there), sorted.
    static func differingBuckets(_ a: [Int: Int64], _ b: [Int: Int64]) -> [Int] {
        Set(a.keys).union(b.keys).filter { (a[$0] ?? 0) != (b[$0] ?? 0) }.sorted()
    }

    static func timed<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> (T, Int64) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await body()
        return (value, (clock.now - start).inMilliseconds)
    }

    static func now() -> Timestamp {
        Timestamp(millis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
