import AsyncAlgorithms
import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import Logging
import RedisClient
import ServiceLifecycle
import ServiceSupport

/// The stream path, as a service-lifecycle `Service`: Kafka in, per-partition state in Redis,
/// Kafka out, in the shape Kafka Streams and Flink use.
///
/// - Ownership: the instance that owns input partition p (of both co-partitioned topics) in the
///   consumer group is the only writer of p's state. On assignment it claims p in Redis (raising
///   p's epoch) and starts from p's stored offsets; on revocation it first finishes its batches.
/// - Fold in process: a batch is decoded and folded in Swift; Redis is asked only for what the
///   owned partitions' caches lack (one pipelined round trip per batch).
/// - One fenced, atomic commit per partition and batch (`PartitionScripts.commit`), refused when
///   the partition's epoch or stored offsets are not the committer's.
/// - Overlap: polling, fold, commit and publish are stages connected by rendezvous channels, so
///   batch N+1 is polled and folded while batch N is committed and published (commits and
///   publishes stay in batch order).
///
/// A fenced commit or offsets that moved behind its back end the current run: the engine leaves
/// the group and joins again, reloading everything from Redis. docs/stream.md has the details.
package struct StreamEngine: Service {
    let configuration: BridgeConfiguration
    let exitWhenIdle: Bool
    let logger: Logger

    package init(configuration: BridgeConfiguration, exitWhenIdle: Bool, logger: Logger) {
        self.configuration = configuration
        self.exitWhenIdle = exitWhenIdle
        self.logger = logger
    }

    package func run() async throws {
        // Judged by /livez on its polls and by /readyz on its assignments, like the legacy path.
        PathActivity.shared.started("stream", reporting: [.polls, .assignments])
        defer { PathActivity.shared.stopped("stream") }
        let redisConfiguration = try configuration.redis()
        let clients = try await EngineClients.connect(redis: redisConfiguration, kafka: configuration.kafka)
        defer { clients.close() }
        let metrics = StreamEngineMetrics()
        // Runs ended by an unreachable service, in a row: they back off like every retry.
        var outages = 0
        while true {
            do {
                try await EngineRun(configuration: configuration, clients: clients, exitWhenIdle: exitWhenIdle,
                                    metrics: metrics, logger: logger).run()
                await clients.flush()
                return
            } catch let reset as EngineReset {
                outages = 0
                metrics.restarts(reset.reason).increment()
                PathActivity.shared.failed("stream", reset)
                logger.warning("\(reset)")
            } catch where error.isTransient && !Task.isShuttingDownGracefully && !Task.isCancelled {
                outages += 1
                let wait = ServiceOutage.policy.delay(afterAttempt: outages, jitter: .random(in: 0...1))
                metrics.restarts("unreachable").increment()
                PathActivity.shared.failed("stream", error)
                logger.warning("stream: \(error); joining again in \(wait)")
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                PathActivity.shared.failed("stream", error)
                throw error
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
        }
    }
}

/// The connections an engine keeps across runs: Redis for the fold's reads, for commits, and for
/// everything else (claims, releases, re-reads); one producer.
struct EngineClients: Sendable {
    let read: RedisClient
    let commit: RedisClient
    let control: RedisClient
    let producer: KafkaProducer

    static func connect(redis: RedisConfiguration, kafka: KafkaConfiguration) async throws -> EngineClients {
        EngineClients(read: try await RedisClient(configuration: redis, name: "redis-stream-read"),
                      commit: try await RedisClient(configuration: redis, name: "redis-stream-commit"),
                      control: try await RedisClient(configuration: redis, name: "redis-stream-control"),
                      producer: try KafkaProducer(configuration: kafka))
    }

    func flush() async { try? await producer.flush() }

    func close() {
        read.close()
        commit.close()
        control.close()
        let producer = self.producer
        Task { await producer.close() }
    }
}

/// One membership of the consumer group: claims what it is assigned, runs the pipeline, and
/// ends when told to stop, when idle (`--exit-when-idle`), or with the error that ended it.
final class EngineRun: Sendable {
    let configuration: BridgeConfiguration
    let clients: EngineClients
    let exitWhenIdle: Bool
    let metrics: StreamEngineMetrics
    let logger: Logger
    let inFlight = InFlightBatches()

    init(configuration: BridgeConfiguration, clients: EngineClients, exitWhenIdle: Bool, metrics: StreamEngineMetrics, logger: Logger) {
        self.configuration = configuration
        self.clients = clients
        self.exitWhenIdle = exitWhenIdle
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        let topics = configuration.topics
        let admin = try KafkaAdmin(configuration: configuration.kafka)
        let contactsPartitions = Set(try await admin.partitions(of: topics.contacts))
        let eventsPartitions = Set(try await admin.partitions(of: topics.messageEvents))
        guard contactsPartitions.count == eventsPartitions.count else {
            throw StreamSetupError.notCoPartitioned(contacts: topics.contacts, contactsPartitions: contactsPartitions.count,
                                                   events: topics.messageEvents, eventsPartitions: eventsPartitions.count)
        }
        let worker = StreamWorker(configuration: configuration, clients: clients, partitionCount: contactsPartitions.count,
                                  metrics: metrics, logger: logger)
        let inFlight = self.inFlight
        let consumer = try KafkaConsumer(
            configuration: configuration.kafka,
            options: .init(groupId: configuration.streamGroup, topics: topics.inputs,
                           startOffsets: { assigned in try waitBlocking { try await worker.claim(assigned) } },
                           // The batches in flight finish before the partitions go, so the next
                           // owner starts from everything this one applied.
                           willRevoke: { revoked in
                               inFlight.waitUntilEmpty()
                               worker.ownership.release(revoked.filter { $0.topic == topics.contacts }.map(\.partition))
                           },
                           onRebalance: { [logger] event in
                               logger.info("stream: partitions \(event.kind.rawValue)",
                                           metadata: ["partitions": "\(event.partitions.map(\.description).joined(separator: ","))"])
                               PathActivity.shared.rebalanced("stream", event)
                           },
                           properties: ["partition.assignment.strategy": "range"]))
        do {
            try await runStages(consumer, worker: worker, inputs: contactsPartitions.union(eventsPartitions))
        } catch {
            inFlight.fail()
            await consumer.close()
            throw error
        }
        await consumer.close()
    }

    private struct Polled: Sendable {
        var records: [KafkaRecord]
        var polledAt: ContinuousClock.Instant
    }

    private struct Stamped: Sendable {
        var batch: FoldedBatch
        var polledAt: ContinuousClock.Instant
    }

    /// Four stages joined by rendezvous channels: each hands a batch on only when the next
    /// stage takes it, so at most a few batches are in flight and a slow stage slows the poll.
    private func runStages(_ consumer: KafkaConsumer, worker: StreamWorker, inputs: Set<TopicPartition>) async throws {
        let toFold = AsyncChannel<Polled>()
        let toCommit = AsyncChannel<Stamped>()
        let toPublish = AsyncChannel<Stamped>()
        let tuning = configuration.tuning
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                defer { toFold.finish() }
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    let records = try await consumer.poll(maxRecords: tuning.batchSize, maxWait: .milliseconds(tuning.batchWaitMillis),
                                                          maxAge: .milliseconds(tuning.batchMaxAgeMillis))
                    PathActivity.shared.polled("stream")
                    if records.isEmpty {
                        if exitWhenIdle && isIdle(consumer, inputs: inputs) { return }
                        continue
                    }
                    inFlight.add()
                    await toFold.send(Polled(records: records, polledAt: .now))
                }
            }
            group.addTask { [self] in
                defer { toCommit.finish() }
                let folder = worker.makeFolder()
                for await polled in toFold {
                    let started = ContinuousClock.now
                    folder.own(worker.ownership.current, cacheLimit: tuning.streamCacheRows)
                    let batch = try await folder.fold(polled.records, committedThrough: worker.committed.value)
                    let folded = ContinuousClock.now - started
                    metrics.fold.recordNanoseconds(folded.inNanoseconds)
                    logger.debug("stream: batch \(batch.sequence) folded", metadata: [
                        "records": "\(batch.recordCount)", "partitions": "\(batch.commits.count)",
                        "rows": "\(batch.contactRows.count)", "fold_ms": "\(folded.inMilliseconds)"])
                    await toCommit.send(Stamped(batch: batch, polledAt: polled.polledAt))
                }
            }
            group.addTask { [self] in
                defer { toPublish.finish() }
                for await stamped in toCommit {
                    let started = ContinuousClock.now
                    try await worker.commit(stamped.batch)
                    metrics.commit.recordNanoseconds((ContinuousClock.now - started).inNanoseconds)
                    await toPublish.send(stamped)
                }
            }
            group.addTask { [self] in
                for await stamped in toPublish {
                    let started = ContinuousClock.now
                    try await worker.publish(stamped.batch)
                    // Kafka's commit only feeds lag monitoring: Redis decides where to resume.
                    consumer.commitWithoutWaiting(stamped.batch.nextOffsets)
                    let now = ContinuousClock.now
                    metrics.publish.recordNanoseconds((now - started).inNanoseconds)
                    metrics.batches.batchDuration.recordNanoseconds((now - stamped.polledAt).inNanoseconds)
                    inFlight.finished()
                }
            }
            // The first stage to fail ends the run; the others are cancelled.
            do {
                for try await _ in group {}
            } catch {
                inFlight.fail()
                group.cancelAll()
                throw error
            }
        }
    }

    /// Idle when this member owns every input partition, each was at its end after the last
    /// poll, and nothing is in flight. Owning all of them matters after a kill -9: until the dead
    /// member's session expires the group may hand this one half the partitions.
    private func isIdle(_ consumer: KafkaConsumer, inputs: Set<TopicPartition>) -> Bool {
        let owned = consumer.assignment
        return !owned.isEmpty && owned == inputs && consumer.partitionsAtEnd == owned && inFlight.isEmpty
    }
}
