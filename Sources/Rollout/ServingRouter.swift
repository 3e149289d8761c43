import BridgeSupport
import KafkaClient
import LegacySQL
import Logging
import Metrics
import PostgresClient
import RedisClient
import ServiceLifecycle
import StreamAgg

/// The serving router (`bridge run --router`): forwards each key's row to the serving topic
/// `contact-summary` from the path the rollout makes authoritative for that key, marked with
/// a `bridge-path` header, and re-publishes the keys that changed owner when the phase changes.
///
/// It is a processor on `InputLoop`, consuming `contact-summary.legacy` and
/// `contact-summary.stream` in the consumer group `<prefix>router`, one batch at a time: read
/// the position (at most `refreshInterval` old), re-publish if it moved, forward the batch's
/// records whose path owns their key, wait for the broker's acknowledgements, then commit. A
/// crash therefore forwards a record again rather than losing it, and a repeated record carries
/// the same or an older row that a later record of the same key supersedes, because every
/// forwarded row of a key goes through one producer in topic order.
///
/// An actor because the loop's steps share the position and the served positions; the loop
/// calls one step at a time, so the actor never makes a step wait for another.
package actor ServingRouter: BatchProcessor {
    package nonisolated var path: String { "router" }
    package nonisolated var isAggregationPath: Bool { false }

    let configuration: BridgeConfiguration
    let logger: Logger
    let postgres: PostgresClient
    let redis: RedisClient
    let producer: KafkaProducer
    /// How stale the position may be when a batch is forwarded. Well under a second, so a
    /// rollback reaches the serving topic within a second without a restart.
    let refreshInterval: Duration
    let chunk: Int
    /// With `--exit-when-idle`: the paths running in this process, when there are any. Without
    /// them the router cannot see whether its inputs are complete, so it waits for `idleGrace`
    /// of quiet instead.
    let upstream: UpstreamCompletion?
    let idleGraceWithoutUpstream: Duration

    let rollout: RolloutStore
    let servedStore: ServedPositionsStore
    let republisher: OwnerChangeRepublisher
    let metrics = RouterMetrics()
    /// The rollout positions the serving topic may currently reflect (one, once converged).
    var served: Set<RolloutPosition> = []
    var position = RolloutPosition.shadow
    var readAt = ContinuousClock.now
    var forwarded = 0

    /// The router's loop. It connects PostgreSQL (rollout state, legacy store), Redis (stream
    /// store) and a producer when it runs, failing with the service and its address when one
    /// cannot be reached, and closes them when it stops.
    package static func makeService(configuration: BridgeConfiguration, exitWhenIdle: Bool, logger: Logger,
                                   upstream: UpstreamCompletion? = nil, refreshInterval: Duration = .milliseconds(250),
                                   chunk: Int = 1000, idleGrace: Duration = .seconds(3)) -> InputLoop {
        let topics = configuration.topics
        return InputLoop(configuration: configuration, groupId: configuration.routerGroup,
                         topics: [topics.contactSummaryLegacy, topics.contactSummaryStream],
                         maxWait: min(.milliseconds(100), refreshInterval), exitWhenIdle: exitWhenIdle, logger: logger) {
            // A client that connected is closed again when a later one cannot connect.
            let postgres = try await PostgresClient(url: configuration.postgresURL, name: "router-postgres")
            let redis: RedisClient
            do {
                redis = try await RedisClient(configuration: try configuration.redis(), name: "router-redis")
            } catch {
                postgres.close()
                throw error
            }
            let producer: KafkaProducer
            do {
                producer = try KafkaProducer(configuration: configuration.kafka)
            } catch {
                postgres.close()
                redis.close()
                throw error
            }
            return ServingRouter(configuration: configuration, logger: logger, postgres: postgres, redis: redis, producer: producer,
                                 refreshInterval: refreshInterval, chunk: chunk, upstream: upstream, idleGrace: idleGrace)
        }
    }

    init(configuration: BridgeConfiguration, logger: Logger, postgres: PostgresClient, redis: RedisClient,
         producer: KafkaProducer, refreshInterval: Duration, chunk: Int, upstream: UpstreamCompletion?, idleGrace: Duration) {
        self.configuration = configuration
        self.logger = logger
        self.postgres = postgres
        self.redis = redis
        self.producer = producer
        self.refreshInterval = refreshInterval
        self.chunk = chunk
        self.upstream = upstream
        self.idleGraceWithoutUpstream = idleGrace
        rollout = RolloutStore(postgres: postgres)
        servedStore = ServedPositionsStore(postgres: postgres, group: configuration.routerGroup)
        republisher = OwnerChangeRepublisher(
            legacy: LegacySummaryPages(postgres: postgres),
            stream: StreamStore(redis: redis, prefix: configuration.topicPrefix, chunk: chunk),
            producer: producer, servingTopic: configuration.topics.contactSummaryServing, chunk: chunk, logger: logger)
    }

    /// Brings the serving topic in line with the rollout before anything is forwarded: a router
    /// that died half-way through a re-publish finishes it first.
    package func prepare() async throws {
        served = try await servedStore.load()
        position = try await rollout.position()
        try await converge()
        readAt = ContinuousClock.now
    }

    /// Follows the rollout: re-reads its position once `refreshInterval` has passed and
    /// re-publishes the keys that changed owner when it moved.
    package func afterPoll() async throws {
        guard ContinuousClock.now - readAt >= refreshInterval else { return }
        let latest = try await rollout.position()
        readAt = ContinuousClock.now
        guard latest != position else { return }
        logger.info("router: rollout moved from \(position) to \(latest)")
        position = latest
        try await converge()
        readAt = ContinuousClock.now
    }

    /// The paths' outputs are acknowledged before they return, so once they have, only the
    /// fetch of their last records can still be in flight: a second of staying at the end
    /// covers it many times over.
    package nonisolated func idleGrace() -> Duration? {
        guard let upstream else { return idleGraceWithoutUpstream }
        return upstream.allFinished ? .seconds(1) : nil
    }

    package func process(_ batch: [KafkaRecord]) async throws {
        forwarded += try await forward(batch)
    }

    package func close() async {
        logger.info("router: closing", metadata: ["forwarded": "\(forwarded)", "position": "\(position)"])
        await producer.close()
        postgres.close()
        redis.close()
    }

    /// Re-publishes until the serving topic reflects `position` alone, following the rollout if
    /// it moves again meanwhile. `served` is persisted with the target added before any key is
    /// re-published, so a router that dies half-way knows on start which keys may be wrong.
    private func converge() async throws {
        metrics.streamShare.record(position.streamShare)
        while served != [position] {
            served.insert(position)
            try await servedStore.save(served)
            // A walk over every key can take minutes: each chunk counts as the loop coming round.
            let outcome = try await republisher.republish(served: served, target: position) {
                PathActivity.shared.polled("router")
                return try await rollout.position()
            }
            switch outcome {
            case .completed(let legacy, let stream):
                metrics.republished(legacy: legacy, stream: stream)
                logger.info("router: serving topic converged on \(position)",
                            metadata: ["republished_legacy": "\(legacy)", "republished_stream": "\(stream)"])
                served = [position]
                try await servedStore.save(served)
            case .interrupted(let next):
                logger.info("router: rollout moved to \(next) while re-publishing for \(position); following it")
                position = next
                metrics.streamShare.record(position.streamShare)
            }
        }
    }

    /// Forwards the records whose path owns their key; returns how many were forwarded.
    private func forward(_ batch: [KafkaRecord]) async throws -> Int {
        let topics = configuration.topics
        var out: [OutgoingRecord] = []
        out.reserveCapacity(batch.count)
        var dropped = 0
        for record in batch {
            let path: ServingPath = record.topic == topics.contactSummaryStream ? .stream : .legacy
            // A keyless record cannot be attributed to a contact, so no path owns it.
            guard let key = record.key, position.owner(ofKey: key) == path else {
                dropped += 1
                continue
            }
            out.append(OutgoingRecord(topic: topics.contactSummaryServing, key: key, value: record.value, headers: [path.header]))
        }
        try await producer.send(out)
        metrics.forwarded(out, dropped: dropped)
        return out.count
    }
}
