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
/// It consumes `contact-summary.legacy` and `contact-summary.stream` in the consumer group
/// `<prefix>router`, one batch at a time: read the position (at most `refreshInterval` old),
/// re-publish if it moved, forward the batch's records whose path owns their key, wait for the
/// broker's acknowledgements, then commit. A crash therefore forwards a record again rather
/// than losing it, and a repeated record carries the same or an older row that a later record
/// of the same key supersedes, because every forwarded row of a key goes through one producer
/// in topic order.
public struct ServingRouter: Service {
    public let configuration: BridgeConfiguration
    public let exitWhenIdle: Bool
    public let logger: Logger
    let postgres: PostgresClient
    let redis: RedisClient
    let producer: KafkaProducer
    /// How stale the position may be when a batch is forwarded. Well under a second, so a
    /// rollback reaches the serving topic within a second without a restart.
    let refreshInterval: Duration
    let chunk: Int
    /// With `exitWhenIdle`: the paths running in this process, when there are any. Without
    /// them the router cannot see whether its inputs are complete, so it waits for `idleGrace`
    /// of quiet instead.
    let upstream: UpstreamCompletion?
    let idleGrace: Duration

    /// Connects PostgreSQL (rollout state, legacy store), Redis (stream store) and a producer,
    /// failing with the service and its address when one cannot be reached.
    public static func make(configuration: BridgeConfiguration, exitWhenIdle: Bool, logger: Logger,
                            upstream: UpstreamCompletion? = nil, refreshInterval: Duration = .milliseconds(250),
                            chunk: Int = 1000, idleGrace: Duration = .seconds(3)) async throws -> ServingRouter {
        let postgres = try await PostgresClient(url: configuration.postgresURL, name: "router-postgres")
        let redis = try await RedisClient(configuration: try configuration.redis(), name: "router-redis")
        let producer = try KafkaProducer(configuration: configuration.kafka)
        return ServingRouter(configuration: configuration, exitWhenIdle: exitWhenIdle, logger: logger, postgres: postgres,
                             redis: redis, producer: producer, refreshInterval: refreshInterval, chunk: chunk,
                             upstream: upstream, idleGrace: idleGrace)
    }

    public func run() async throws {
        let topics = configuration.topics
        let rollout = RolloutStore(postgres: postgres)
        let servedStore = ServedPositionsStore(postgres: postgres, group: configuration.routerGroup)
        let republisher = OwnerChangeRepublisher(
            legacy: LegacySummaryPages(postgres: postgres),
            stream: StreamStore(redis: redis, prefix: configuration.topicPrefix, chunk: chunk),
            producer: producer, servingTopic: topics.contactSummaryServing, chunk: chunk, logger: logger)
        let metrics = RouterMetrics()
        let logger = self.logger
        let consumer = try KafkaConsumer(
            configuration: configuration.kafka,
            options: .init(groupId: configuration.routerGroup, topics: [topics.contactSummaryLegacy, topics.contactSummaryStream],
                           onRebalance: { event in
                               PathActivity.shared.rebalanced("router", event)
                               logger.info("router: partitions \(event.kind.rawValue)",
                                           metadata: ["partitions": "\(event.partitions.map(\.description).joined(separator: ","))"])
                           }))
        // Reports to /readyz and /livez like the paths do (PathActivity).
        PathActivity.shared.started("router", reporting: [.polls, .assignments])
        do {
            var inputPartitions: Set<TopicPartition> = []
            if exitWhenIdle {
                let admin = try KafkaAdmin(configuration: configuration.kafka)
                for topic in [topics.contactSummaryLegacy, topics.contactSummaryStream] {
                    inputPartitions.formUnion(try await admin.partitions(of: topic))
                }
            }
            // PostgreSQL or Redis unreachable for a while (a restart) is waited out rather than
            // ending the router, and with it `bridge run`: each step below is safe to repeat.
            func retrying<T>(_ body: () async throws -> T) async throws -> T {
                try await ServiceOutage.retrying("router", logger: logger, body)
            }
            var served = try await retrying { try await servedStore.load() }
            var position = try await retrying { try await rollout.position() }
            try await retrying {
                try await converge(served: &served, to: &position, rollout: rollout, store: servedStore, republisher: republisher, metrics: metrics)
            }
            var readAt = ContinuousClock.now
            var idleSince: ContinuousClock.Instant?
            var forwarded = 0

            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let batch = try await consumer.poll(maxRecords: configuration.tuning.batchSize,
                                                    maxWait: .milliseconds(min(100, refreshInterval.inMilliseconds)))
                PathActivity.shared.polled("router")
                if ContinuousClock.now - readAt >= refreshInterval {
                    let latest = try await retrying { try await rollout.position() }
                    readAt = ContinuousClock.now
                    if latest != position {
                        logger.info("router: rollout moved from \(position) to \(latest)")
                        position = latest
                        try await retrying {
                            try await converge(served: &served, to: &position, rollout: rollout, store: servedStore,
                                               republisher: republisher, metrics: metrics)
                        }
                        readAt = ContinuousClock.now
                    }
                }
                if batch.isEmpty {
                    if exitWhenIdle {
                        let owned = consumer.assignment
                        if !owned.isEmpty && owned == inputPartitions && consumer.partitionsAtEnd == owned {
                            // The paths' outputs are acknowledged before they return, so once
                            // they have, only the fetch of their last records can still be in
                            // flight: a second of staying at the end covers it many times over.
                            let grace = upstream == nil ? idleGrace : .seconds(1)
                            if upstream?.allFinished ?? true {
                                let since = idleSince ?? ContinuousClock.now
                                idleSince = since
                                if ContinuousClock.now - since >= grace { break }
                            }
                        } else {
                            idleSince = nil
                        }
                    }
                    continue
                }
                idleSince = nil
                forwarded += try await retrying { try await forward(batch, position: position, metrics: metrics) }
                PathActivity.shared.applied("router", records: batch.count)
                var next: [TopicPartition: Int64] = [:]
                for record in batch { next[record.topicPartition] = max(next[record.topicPartition] ?? 0, record.offset + 1) }
                do {
                    try await consumer.commit(next)
                } catch {
                    // Forwarded records are acknowledged; a lost commit only means they are
                    // forwarded again after a restart, which the serving topic tolerates.
                    logger.warning("router: offset commit failed (records will be forwarded again after a restart): \(error)")
                }
            }
            await consumer.close()
            await closeClients()
            PathActivity.shared.stopped("router")
            logger.info("router: stopped", metadata: ["forwarded": "\(forwarded)", "position": "\(position)"])
        } catch {
            PathActivity.shared.failed("router", error)
            await consumer.close()
            await closeClients()
            PathActivity.shared.stopped("router")
            throw error
        }
    }

    /// Re-publishes until the serving topic reflects `position` alone, following the rollout if
    /// it moves again meanwhile. `served` is persisted with the target added before any key is
    /// re-published, so a router that dies half-way knows on start which keys may be wrong.
    private func converge(served: inout Set<RolloutPosition>, to position: inout RolloutPosition, rollout: RolloutStore,
                          store: ServedPositionsStore, republisher: OwnerChangeRepublisher, metrics: RouterMetrics) async throws {
        metrics.streamShare.record(position.streamShare)
        while served != [position] {
            served.insert(position)
            try await store.save(served)
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
                try await store.save(served)
            case .interrupted(let next):
                logger.info("router: rollout moved to \(next) while re-publishing for \(position); following it")
                position = next
                metrics.streamShare.record(position.streamShare)
            }
        }
    }

    /// Forwards the records whose path owns their key; returns how many were forwarded.
    private func forward(_ batch: [KafkaRecord], position: RolloutPosition, metrics: RouterMetrics) async throws -> Int {
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

    private func closeClients() async {
        await producer.close()
        postgres.close()
        redis.close()
    }
}
