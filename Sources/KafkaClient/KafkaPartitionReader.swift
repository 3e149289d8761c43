import CRdKafka
import Foundation
import ServiceSupport

/// Reads chosen offset ranges of chosen partitions without joining a consumer group: the
/// partitions are assigned directly (`rd_kafka_assign`), so there is no group join (which costs
/// about a session timeout on some brokers), no rebalance and no commit. For one-off reads of the
/// log such as `bridge explain`, never for a path's consumption.
///
/// librdkafka's consumer API needs a `group.id` even for assigned partitions; a unique one is
/// set and never joined or committed to.
package final class KafkaPartitionReader: @unchecked Sendable {
    /// A partition gave end-of-partition below the offset asked for and nothing more came for
    /// this long: the log ends there.
    static let endGrace: Duration = .seconds(2)
    /// No record or event from a partition still being read for this long is an error, not an
    /// empty partition (end-of-partition events tell an empty one apart).
    static let stallLimit: Duration = .seconds(30)

    package let configuration: KafkaConfiguration
    private let handle: OpaquePointer
    private let thread = DedicatedThread(name: "kafka-reader")
    private let closeLock = NSLock()
    private var closed = false // guarded by closeLock

    package init(configuration: KafkaConfiguration) throws {
        self.configuration = configuration
        var properties = KafkaConsumer.defaults
        properties["bootstrap.servers"] = configuration.brokers
        properties["group.id"] = "bridge-reader-" + UUID().uuidString
        properties.merge(configuration.properties) { _, new in new }
        let conf = try makeConf(properties)
        KafkaDiagnostics.install(on: conf)
        do { handle = try makeHandle(RD_KAFKA_CONSUMER, conf: conf) } catch { thread.stop(); throw error }
        rd_kafka_poll_set_consumer(handle)
    }

    deinit {
        if !closeLock.withLock({ closed }) {
            rd_kafka_destroy_flags(handle, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE)
            thread.stop()
        }
    }

    /// Low and high watermarks (high = the offset the next record will get) of each partition.
    package func watermarks(_ partitions: [TopicPartition], timeout: Duration = .seconds(5)) async throws -> [TopicPartition: (low: Int64, high: Int64)] {
        let handle = SendableHandle(self.handle)
        let ms = Int32(clamping: timeout.inMilliseconds)
        return try await thread.run { try queryWatermarks(handle.pointer, partitions, timeoutMs: ms) }
    }

    /// Reads every record of each partition whose offset lies in its range, partition by
    /// partition in offset order, handing them to `visit` in batches (on the caller's task).
    /// Returns, per partition, the offset after the last record read: the range's upper bound,
    /// or less where the log ends before it.
    package func read(_ ranges: [TopicPartition: Range<Int64>],
                     visit: ([KafkaRecord]) throws -> Void) async throws -> [TopicPartition: Int64] {
        var progress = ReadProgress(ranges: ranges)
        if progress.pending.isEmpty { return progress.reached }
        let handle = SendableHandle(self.handle)
        let assignment = progress.pending.map { ($0, ranges[$0]!.lowerBound) }
        try await thread.run {
            let list = PartitionList.make(assignment)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_assign(handle.pointer, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "assign \(assignment.map(\.0.description))") }
        }
        while !progress.pending.isEmpty {
            let polled = try await thread.run { Self.pollBatch(handle.pointer, maxRecords: 5000, waitMillis: 200) }
            let records = progress.take(polled, now: ContinuousClock.now)
            if !records.isEmpty { try visit(records) }
            if let stalled = progress.stalled(now: ContinuousClock.now) {
                let cause = progress.lastError.map { " (last error: \($0))" } ?? ""
                throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
                                 message: "no record from \(stalled.map(\.description).joined(separator: ", ")) for \(Self.stallLimit)\(cause)",
                                 operation: "read")
            }
        }
        _ = try? await thread.run { rd_kafka_assign(handle.pointer, nil) }
        return progress.reached
    }

    /// Gives the handle back. Never joined a group, so there is nothing to leave.
    package func close() async {
        let already = closeLock.withLock { () -> Bool in defer { closed = true }; return closed }
        if already { return }
        let handle = SendableHandle(self.handle)
        _ = try? await thread.run { rd_kafka_destroy_flags(handle.pointer, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE) }
        thread.stop()
    }

    /// What one poll call returned: records, partitions that reported their end, and errors.
    struct Polled: Sendable {
        var records: [KafkaRecord] = []
        var ends: [TopicPartition] = []
        var error: KafkaError?
    }

    /// Up to `maxRecords` messages, waiting at most `waitMillis` for the first. Runs on the
    /// reader's thread.
    private static func pollBatch(_ handle: OpaquePointer, maxRecords: Int, waitMillis: Int32) -> Polled {
        var polled = Polled()
        var timeout = waitMillis
        while polled.records.count < maxRecords, let message = rd_kafka_consumer_poll(handle, timeout) {
            defer { rd_kafka_message_destroy(message) }
            timeout = 0
            let m = message.pointee
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                polled.records.append(KafkaConsumer.copy(message, topic: topic))
            } else if m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                polled.ends.append(TopicPartition(topic, m.partition))
            } else {
                polled.error = KafkaError(m.err, operation: "read \(topic)[\(m.partition)]")
            }
        }
        return polled
    }
}

/// Where each partition of a `KafkaPartitionReader.read` stands: which are still being read,
/// how far each got, and when each last showed a sign of life.
struct ReadProgress {
    let ranges: [TopicPartition: Range<Int64>]
    private(set) var pending: Set<TopicPartition>
    /// The offset after the last record read (the range's lower bound until one is read).
    private(set) var reached: [TopicPartition: Int64]
    /// Partitions that reported their end below their upper bound, and since when.
    private var endedAt: [TopicPartition: ContinuousClock.Instant] = [:]
    private var lastHeard: [TopicPartition: ContinuousClock.Instant] = [:]
    /// The last error a poll reported (librdkafka retries by itself; this explains a stall).
    private(set) var lastError: KafkaError?

    init(ranges: [TopicPartition: Range<Int64>]) {
        self.ranges = ranges
        reached = ranges.mapValues(\.lowerBound)
        pending = Set(ranges.filter { !$0.value.isEmpty }.keys)
        let now = ContinuousClock.now
        for tp in pending { lastHeard[tp] = now }
    }

    /// The polled records that fall in their partition's range; updates where each stands.
    mutating func take(_ polled: KafkaPartitionReader.Polled, now: ContinuousClock.Instant) -> [KafkaRecord] {
        if let error = polled.error { lastError = error }
        var kept: [KafkaRecord] = []
        kept.reserveCapacity(polled.records.count)
        for record in polled.records {
            let tp = record.topicPartition
            guard pending.contains(tp), let range = ranges[tp] else { continue }
            lastHeard[tp] = now
            endedAt[tp] = nil
            if range.contains(record.offset) {
                kept.append(record)
                reached[tp] = record.offset + 1
            }
            if record.offset + 1 >= range.upperBound {
                reached[tp] = range.upperBound
                pending.remove(tp)
            }
        }
        for tp in polled.ends where pending.contains(tp) {
            lastHeard[tp] = now
            if endedAt[tp] == nil { endedAt[tp] = now }
        }
        // The log ends below the range: give a moment for records in flight, then stop there.
        for (tp, since) in endedAt where pending.contains(tp) && now - since >= KafkaPartitionReader.endGrace {
            pending.remove(tp)
        }
        return kept
    }

    /// Partitions silent for too long, if any.
    func stalled(now: ContinuousClock.Instant) -> [TopicPartition]? {
        let silent = pending.filter { now - (lastHeard[$0] ?? now) >= KafkaPartitionReader.stallLimit }.sorted()
        return silent.isEmpty ? nil : silent
    }
}
