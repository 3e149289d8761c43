import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import LegacySQL
import PostgresClient
import RedisClient
import StreamAgg

/// One shadow comparison round: reads both stores (each at a known set of input offsets),
/// compares the rows that both computed from the same offsets, classifies the rest as lagging
/// or stale, and stores the round.
public struct ShadowComparator: Sendable {
    public let postgres: PostgresClient
    public let redis: RedisClient
    public let topics: TopicNames
    public let settings: ComparatorSettings

    public init(postgres: PostgresClient, redis: RedisClient, topics: TopicNames, settings: ComparatorSettings) {
        self.postgres = postgres
        self.redis = redis
        self.topics = topics
        self.settings = settings
    }

    /// Runs and stores one round; the returned round carries its id.
    public func round() async throws -> ComparisonRound {
        let clock = ContinuousClock()
        let started = clock.now
        let startedAt = Self.now()
        let legacyExport = LegacyExport(postgres: postgres)
        let streamExport = StreamExport(redis: redis, prefix: topics.prefix)
        // Each store is read on its own client thread, so the two reads overlap.
        async let legacyRead = Self.timed { try await legacyExport.snapshot() }
        async let streamRead = Self.timed { try await StreamSnapshot.read(streamExport) }
        let (legacy, legacyMillis) = try await legacyRead
        let (stream, streamMillis) = try await streamRead

        let compareStarted = clock.now
        var states = Self.partitionStates(legacy: legacy, stream: stream)
        let stale = try await StalenessTracker(postgres: postgres).observe(states, graceSeconds: settings.graceSeconds)
        for i in states.indices where stale.contains(states[i].partition) { states[i].stale = true }
        let cut = ConsistentCut(partitions: Dictionary(uniqueKeysWithValues: states.map { ($0.partition, $0) }),
                                messageEventsTopic: topics.messageEvents,
                                messageEventsInFlight: Self.eventsInFlight(stream, topic: topics.messageEvents))
        var merge = RowMerge(cut: cut, rules: settings.rules, sampleLimit: settings.sampleLimit)
        merge.contacts(legacy: legacy.contacts, legacyPartitions: legacy.contactPartitions, stream: stream.contacts)
        merge.campusDays(legacy: legacy.campusDaily, stream: stream.campusDaily)
        let compareMillis = Self.millis(clock.now - compareStarted)

        let round = ComparisonRound(
            id: 0, startedAt: startedAt, finishedAt: Self.now(), durationMillis: Self.millis(clock.now - started),
            legacyReadMillis: legacyMillis, streamReadMillis: streamMillis, compareMillis: compareMillis,
            outcome: merge.outcome, partitions: states, legacyLag: cut.legacyLag, streamLag: cut.streamLag,
            graceSeconds: settings.graceSeconds, rules: settings.rules)
        return try await RoundStore(postgres: postgres).save(round)
    }

    static func partitionStates(legacy: LegacySnapshot, stream: StreamSnapshot) -> [PartitionState] {
        let known = Set(legacy.appliedOffsets.keys).union(stream.appliedOffsets.keys).union(stream.unsettled)
        return known.sorted().map { tp in
            // A path with no record of a partition has applied nothing of it.
            PartitionState(partition: tp, legacy: legacy.appliedOffsets[tp] ?? 0, stream: stream.appliedOffsets[tp] ?? 0,
                           streamSettled: !stream.unsettled.contains(tp))
        }
    }

    /// Whether some contact already holds message events past the recorded stream offsets (a
    /// batch in flight), whose campus-day increments are then in Redis too.
    static func eventsInFlight(_ stream: StreamSnapshot, topic: String) -> Bool {
        stream.contacts.contains { contact in
            contact.lastApplied.contains { tp, last in tp.topic == topic && last >= (stream.appliedOffsets[tp] ?? 0) }
        }
    }

    static func timed<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> (T, Int64) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await body()
        return (value, millis(clock.now - start))
    }

    static func millis(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    static func now() -> Timestamp {
        Timestamp(millis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
