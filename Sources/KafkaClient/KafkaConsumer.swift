import CRdKafka
import Foundation
import ServiceSupport

/// A consumer-group member over librdkafka.
///
/// All librdkafka calls for the consumer run on one dedicated thread, so a blocking poll never
/// occupies Swift's cooperative pool, and rebalance callbacks (which librdkafka makes from
/// inside poll) run there too, between two `poll` calls of the caller — never while the caller
/// is processing a batch it polled. That is what lets a caller finish a batch before its
/// partitions go: revocation can only happen while it is asking for the next batch.
///
/// Offsets are never committed automatically: the caller commits what it has applied.
package final class KafkaConsumer: @unchecked Sendable {
    /// Chooses the offset each newly assigned partition starts from. Runs on the consumer's
    /// thread inside the rebalance callback, so it may block (it reads the caller's own offset
    /// store: Redis or PostgreSQL). Return `KafkaOffset.stored` to use the group's commit.
    package typealias StartOffsets = @Sendable ([TopicPartition]) throws -> [TopicPartition: Int64]

    /// Runs on the consumer's thread inside the rebalance callback, before the partitions are
    /// given up, so a caller with work in flight can finish (and commit) it first. It may block.
    package typealias WillRevoke = @Sendable ([TopicPartition]) -> Void

    package struct Options: Sendable {
        package var groupId: String
        package var topics: [String]
        package var startOffsets: StartOffsets?
        package var willRevoke: WillRevoke?
        package var onRebalance: (@Sendable (RebalanceEvent) -> Void)?
        /// librdkafka properties for this consumer only (session.timeout.ms, fetch sizes, ...).
        package var properties: [String: String]

        package init(groupId: String, topics: [String], startOffsets: StartOffsets? = nil, willRevoke: WillRevoke? = nil,
                    onRebalance: (@Sendable (RebalanceEvent) -> Void)? = nil, properties: [String: String] = [:]) {
            self.groupId = groupId
            self.topics = topics
            self.startOffsets = startOffsets
            self.willRevoke = willRevoke
            self.onRebalance = onRebalance
            self.properties = properties
        }
    }

    package static let defaults: [String: String] = [
        "enable.auto.commit": "false",
        "enable.auto.offset.store": "false",
        "auto.offset.reset": "earliest",
        // End-of-partition events tell when a partition is consumed to its end, without
        // trusting the broker's high watermark (the embedded broker undercounts it).
        "enable.partition.eof": "true",
        "session.timeout.ms": "10000",
        "heartbeat.interval.ms": "1000",
        "fetch.wait.max.ms": "50",
        "queued.min.messages": "100000",
        "fetch.max.bytes": "52428800",
        "max.partition.fetch.bytes": "4194304",
    ]

    package let configuration: KafkaConfiguration
    package let options: Options
    private let handle: OpaquePointer
    private let thread: DedicatedThread
    private let context: ConsumerContext
    private let contextRef: Unmanaged<ConsumerContext>
    private let closeLock = NSLock()
    private var closed = false // guarded by closeLock

    package init(configuration: KafkaConfiguration, options: Options) throws {
        self.configuration = configuration
        self.options = options
        var properties = Self.defaults
        properties["bootstrap.servers"] = configuration.brokers
        properties["group.id"] = options.groupId
        properties.merge(configuration.properties) { _, new in new }
        properties.merge(options.properties) { _, new in new }
        let conf = try makeConf(properties)
        KafkaDiagnostics.install(on: conf)
        context = ConsumerContext(startOffsets: options.startOffsets, willRevoke: options.willRevoke, onRebalance: options.onRebalance)
        contextRef = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, contextRef.toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
            guard let rk, let partitions, let opaque else { return }
            Unmanaged<ConsumerContext>.fromOpaque(opaque).takeUnretainedValue().rebalance(rk, err, partitions)
        }
        let handle: OpaquePointer
        do { handle = try makeHandle(RD_KAFKA_CONSUMER, conf: conf) } catch { contextRef.release(); throw error }
        self.handle = handle
        rd_kafka_poll_set_consumer(handle)
        thread = DedicatedThread(name: "kafka-consumer")
        let topics = PartitionList.make(options.topics.map { (TopicPartition($0, Int32(RD_KAFKA_PARTITION_UA)), Int64(0)) })
        defer { rd_kafka_topic_partition_list_destroy(topics) }
        let err = rd_kafka_subscribe(handle, topics)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_destroy(handle)
            contextRef.release()
            thread.stop()
            throw KafkaError(err, operation: "subscribe to \(options.topics.joined(separator: ", "))")
        }
    }

    deinit {
        if !closeLock.withLock({ closed }) {
            // Safety net only: close() leaves the group properly; this must not block.
            rd_kafka_destroy_flags(handle, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE)
            thread.stop()
            contextRef.release()
        }
    }

    /// Returns up to `maxRecords` records, waiting at most `maxWait` for the first one. After
    /// the first record it keeps collecting for at most `maxAge` (measured from that record), so
    /// a batch closes when full or when its first record is `maxAge` old; with `maxAge` zero it
    /// takes only what is already fetched. Records of partitions revoked while polling are
    /// dropped: this member no longer owns them.
    package func poll(maxRecords: Int, maxWait: Duration, maxAge: Duration = .zero) async throws -> [KafkaRecord] {
        let handle = SendableHandle(self.handle)
        let context = self.context
        let waitNanos = UInt64(max(0, maxWait.inMilliseconds)) * 1_000_000
        let ageNanos = UInt64(max(0, maxAge.inMilliseconds)) * 1_000_000
        return try await thread.run {
            var records: [KafkaRecord] = []
            records.reserveCapacity(min(maxRecords, 4096))
            let generation = context.generation
            // Topic names by librdkafka topic handle: one String per topic, not per record.
            var topicNames: [OpaquePointer: String] = [:]
            func topicName(_ rkt: OpaquePointer) -> String {
                if let name = topicNames[rkt] { return name }
                let name = String(cString: rd_kafka_topic_name(rkt))
                topicNames[rkt] = name
                return name
            }
            // Whether each partition's last event in this call was its end; handed to the
            // context once, at the end (one lock per call, not per record).
            var atEnd: [TopicPartition: Bool] = [:]
            defer { context.reached(atEnd) }
            // Until the first record: the wait; from then on: the first record's age. The clock is
            // read when librdkafka has nothing ready, and every 256 records otherwise.
            var deadline = DispatchTime.now().uptimeNanoseconds + waitNanos
            var sinceClock = 0
            while records.count < maxRecords {
                let timeout: Int32
                if records.isEmpty || sinceClock >= 256 {
                    if let error = context.takeError() { throw error }
                    let now = DispatchTime.now().uptimeNanoseconds
                    if !records.isEmpty && now >= deadline { break }
                    timeout = records.isEmpty ? Int32(now >= deadline ? 0 : (deadline - now) / 1_000_000) : 0
                    sinceClock = 0
                } else {
                    timeout = 0
                }
                guard let message = rd_kafka_consumer_poll(handle.pointer, timeout) else {
                    if let error = context.takeError() { throw error }
                    let now = DispatchTime.now().uptimeNanoseconds
                    if now >= deadline { break }
                    // Records in hand: wait for more only as long as the batch may still grow.
                    if !records.isEmpty, let more = rd_kafka_consumer_poll(handle.pointer, Int32((deadline - now) / 1_000_000)) {
                        take(more)
                    }
                    continue
                }
                take(message)
            }

            func take(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
                defer { rd_kafka_message_destroy(message) }
                sinceClock += 1
                let err = message.pointee.err
                if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    if records.isEmpty { deadline = DispatchTime.now().uptimeNanoseconds + ageNanos }
                    let record = Self.copy(message, topic: topicName(message.pointee.rkt))
                    atEnd[record.topicPartition] = false
                    records.append(record)
                } else if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    if let rkt = message.pointee.rkt { atEnd[TopicPartition(topicName(rkt), message.pointee.partition)] = true }
                } else {
                    // Fetch trouble (a broker connection lost, say) that librdkafka retries by
                    // itself; fatal errors are checked below. Logged, like librdkafka's own lines.
                    KafkaDiagnostics.sink(4, "CONSUME", KafkaError(err, operation: "consume").description)
                }
            }
            if let fatal = context.fatalError(handle.pointer) { throw fatal }
            if context.generation != generation {
                let owned = context.assignment
                records.removeAll { !owned.contains($0.topicPartition) }
            }
            return records
        }
    }

    /// Commits the given next-offsets (the offset after the last applied record) synchronously.
    package func commit(_ offsets: [TopicPartition: Int64]) async throws {
        if offsets.isEmpty { return }
        let handle = SendableHandle(self.handle)
        try await thread.run {
            let list = PartitionList.make(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_commit(handle.pointer, list, 0)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
                throw KafkaError(err, operation: "commit")
            }
        }
    }

    /// Commits the given next-offsets without waiting for the broker's answer. Callable from any
    /// thread (librdkafka queues the request), so it never waits behind a poll or a rebalance
    /// callback; for callers whose own store decides where to resume, for whom Kafka's commit only
    /// feeds lag monitoring. A failed commit is reported in librdkafka's log.
    package func commitWithoutWaiting(_ offsets: [TopicPartition: Int64]) {
        if offsets.isEmpty { return }
        let list = PartitionList.make(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        // Under the lock that `close` takes before it destroys the handle.
        closeLock.withLock { if !closed { _ = rd_kafka_commit(handle, list, 1) } }
    }

    /// The partitions this member owns now.
    package var assignment: Set<TopicPartition> { context.assignment }

    /// Owned partitions whose last event was end-of-partition: everything fetched from them has
    /// been returned by `poll`, and the broker had nothing more at that moment.
    package var partitionsAtEnd: Set<TopicPartition> { context.atEnd }

    /// Rebalances seen so far, oldest first.
    package var rebalanceEvents: [RebalanceEvent] { context.events }

    /// Low and high watermarks from the broker (high = the offset the next record will get).
    package func watermarks(_ partitions: [TopicPartition], timeout: Duration = .seconds(5)) async throws -> [TopicPartition: (low: Int64, high: Int64)] {
        let handle = SendableHandle(self.handle)
        let ms = Int32(clamping: timeout.inMilliseconds)
        return try await thread.run {
            try queryWatermarks(handle.pointer, partitions, timeoutMs: ms)
        }
    }

    /// Leaves the group (its partitions are revoked through the callback first), then frees
    /// the handle. Call once, when the caller has committed what it applied.
    package func close() async {
        let already = closeLock.withLock { () -> Bool in defer { closed = true }; return closed }
        if already { return }
        let handle = SendableHandle(self.handle)
        _ = try? await thread.run {
            rd_kafka_consumer_close(handle.pointer)
            rd_kafka_destroy(handle.pointer)
        }
        thread.stop()
        contextRef.release()
    }

    static func copy(_ message: UnsafeMutablePointer<rd_kafka_message_t>, topic: String) -> KafkaRecord {
        let m = message.pointee
        let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        var headers: [KafkaHeader] = []
        var raw: OpaquePointer?
        if rd_kafka_message_headers(message, &raw) == RD_KAFKA_RESP_ERR_NO_ERROR, let raw {
            var index = 0
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(raw, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(KafkaHeader(name.map { String(cString: $0) } ?? "",
                                           valuePointer.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        return KafkaRecord(topic: topic, partition: m.partition, offset: m.offset, key: key, value: value,
                           timestampMillis: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp,
                           headers: headers)
    }
}

/// An assignment change as this member saw it.
package struct RebalanceEvent: Sendable, Hashable {
    package enum Kind: String, Sendable { case assigned, revoked, failed }
    package var kind: Kind
    package var partitions: [TopicPartition]
    /// For `assigned`: where each partition starts (from `startOffsets`, or the group's commit).
    package var startOffsets: [TopicPartition: Int64]
}

/// State the rebalance callback shares with the consumer; touched on the consumer's thread
/// (callback, poll) and read from others (assignment, events), hence the lock.
final class ConsumerContext: @unchecked Sendable {
    private let lock = NSLock()
    private let startOffsets: KafkaConsumer.StartOffsets?
    private let willRevoke: KafkaConsumer.WillRevoke?
    private let onRebalance: (@Sendable (RebalanceEvent) -> Void)?
    private var owned: Set<TopicPartition> = []
    private var log: [RebalanceEvent] = []
    private var pendingError: (any Error)?
    private var generationCounter = 0
    private var ended: Set<TopicPartition> = []

    init(startOffsets: KafkaConsumer.StartOffsets?, willRevoke: KafkaConsumer.WillRevoke?,
         onRebalance: (@Sendable (RebalanceEvent) -> Void)?) {
        self.startOffsets = startOffsets
        self.willRevoke = willRevoke
        self.onRebalance = onRebalance
    }

    var assignment: Set<TopicPartition> { lock.withLock { owned } }
    var events: [RebalanceEvent] { lock.withLock { log } }
    var generation: Int { lock.withLock { generationCounter } }
    var atEnd: Set<TopicPartition> { lock.withLock { ended.intersection(owned) } }
    /// Each partition's last event of a poll: its end (true) or a record (false).
    func reached(_ last: [TopicPartition: Bool]) {
        if last.isEmpty { return }
        lock.withLock { for (tp, end) in last { if end { ended.insert(tp) } else { ended.remove(tp) } } }
    }

    /// librdkafka's fatal error, if the client has one (then nothing more can be consumed).
    func fatalError(_ handle: OpaquePointer) -> KafkaError? {
        var text = [CChar](repeating: 0, count: 256)
        let code = rd_kafka_fatal_error(handle, &text, text.count)
        return code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(code: code.rawValue, message: cString(text), operation: "consume")
    }
    func takeError() -> (any Error)? { lock.withLock { defer { pendingError = nil }; return pendingError } }

    /// librdkafka's rebalance callback (eager protocol): assign with the caller's start
    /// offsets, or drop everything on revoke.
    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let tps = PartitionList.entries(partitions).map(\.0)
        if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            var chosen: [TopicPartition: Int64] = [:]
            if let startOffsets {
                do {
                    chosen = try Self.startOffsetRetries.runBlocking { try startOffsets(tps) }
                } catch {
                    // Without a trustworthy start we must not consume: give the partitions
                    // back and let the caller's next poll fail with the reason.
                    lock.withLock {
                        pendingError = error
                        ended = []
                        owned = []
                        generationCounter += 1
                        log.append(RebalanceEvent(kind: .failed, partitions: tps, startOffsets: [:]))
                    }
                    rd_kafka_assign(rk, nil)
                    return
                }
            }
            for i in 0..<Int(partitions.pointee.cnt) {
                let e = partitions.pointee.elems[i]
                let tp = TopicPartition(String(cString: e.topic), e.partition)
                partitions.pointee.elems[i].offset = chosen[tp] ?? Int64(RD_KAFKA_OFFSET_STORED)
            }
            let event = RebalanceEvent(kind: .assigned, partitions: tps.sorted(), startOffsets: chosen)
            lock.withLock {
                owned = Set(tps)
                ended = []
                generationCounter += 1
                log.append(event)
            }
            rd_kafka_assign(rk, partitions)
            onRebalance?(event)
        } else {
            willRevoke?(tps.sorted())
            let event = RebalanceEvent(kind: .revoked, partitions: tps.sorted(), startOffsets: [:])
            lock.withLock {
                owned = []
                ended = []
                generationCounter += 1
                log.append(event)
            }
            rd_kafka_assign(rk, nil)
            onRebalance?(event)
        }
    }

    /// A start-offset lookup that fails for a transient reason (Redis restarting) is retried
    /// with back-off for a few seconds (seven at most) before the assignment is refused: this
    /// runs inside librdkafka's rebalance callback, which must not hold the group for longer.
    private static let startOffsetRetries = RetryPolicy(firstDelay: .milliseconds(100), maxDelay: .seconds(2), maxAttempts: 8)
}

func queryWatermarks(_ handle: OpaquePointer, _ partitions: [TopicPartition], timeoutMs: Int32) throws -> [TopicPartition: (low: Int64, high: Int64)] {
    var result: [TopicPartition: (low: Int64, high: Int64)] = [:]
    for tp in partitions {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, tp.topic, tp.partition, &low, &high, timeoutMs)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "query watermarks of \(tp)") }
        result[tp] = (low, high)
    }
    return result
}
