import CRdKafka
import Foundation
import ServiceSupport

/// A producer over librdkafka: idempotent, keys and headers, and `send` returns once every
/// record of the call has its delivery report, so a caller knows what the broker has.
///
/// Delivery reports are served by a poll loop on a thread of the producer's own; producing is
/// a non-blocking enqueue, and a full local queue is back-pressure (the call waits, then retries).
package final class KafkaProducer: @unchecked Sendable {
    package let configuration: KafkaConfiguration
    let handle: OpaquePointer
    private let pollThread: Thread
    private let running = RunFlag()
    private let users = HandleUsers()
    private let stopped = DispatchSemaphore(value: 0)

    /// Producer defaults tuned for throughput with ordering kept per partition; any property
    /// can be overridden through `configuration.properties` or `overrides`.
    /// `partitioner`: murmur2 of the key, as the Java client does, so that records the bridge
    /// produces (the generator's inputs, the keyed outputs) land where a Java producer would put
    /// the same key; librdkafka's own default (`consistent_random`, CRC32) would not.
    package static let defaults: [String: String] = [
        "partitioner": "murmur2_random",
        "enable.idempotence": "true",
        "linger.ms": "5",
        "batch.num.messages": "10000",
        "compression.codec": "lz4",
        "message.timeout.ms": "30000",
        "queue.buffering.max.messages": "500000",
        "message.max.bytes": "4000000",
    ]

    package init(configuration: KafkaConfiguration, overrides: [String: String] = [:]) throws {
        self.configuration = configuration
        var properties = Self.defaults
        properties["bootstrap.servers"] = configuration.brokers
        properties.merge(configuration.properties) { _, new in new }
        properties.merge(overrides) { _, new in new }
        let conf = try makeConf(properties)
        KafkaDiagnostics.install(on: conf)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            let batch = Unmanaged<DeliveryBatch>.fromOpaque(opaque).takeUnretainedValue()
            let err = message.pointee.err
            batch.delivered(error: err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(err, operation: "delivery"))
        }
        handle = try makeHandle(RD_KAFKA_PRODUCER, conf: conf)
        let handle = SendableHandle(self.handle)
        let running = self.running
        let stopped = self.stopped
        pollThread = Thread {
            while running.isSet { rd_kafka_poll(handle.pointer, 100) }
            stopped.signal()
        }
        pollThread.name = "kafka-producer-poll"
        pollThread.start()
    }

    deinit {
        // close() is the orderly path; this only keeps a forgotten producer from leaking.
        if running.clear() {
            stopped.wait()
            rd_kafka_destroy(handle)
        }
    }

    /// Produces all records and waits for all delivery reports. Throws the first delivery
    /// error after every report has arrived (so no report is left pointing at freed memory).
    /// A task cancelled while the local queue is full stops enqueueing, waits for the reports
    /// of what it did enqueue, and throws `CancellationError`.
    package func send(_ records: [OutgoingRecord]) async throws {
        if records.isEmpty { return }
        guard users.enter() else { throw KafkaError.closed(operation: "send") }
        defer { users.leave() }
        let batch = DeliveryBatch(count: records.count)
        let opaque = Unmanaged.passUnretained(batch).toOpaque()
        var cancelled = false
        for record in records {
            if cancelled {
                batch.delivered(error: nil)   // never enqueued: no report will come for it
                continue
            }
            while let error = produce(record, opaque: opaque) {
                if error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue {
                    // Back-pressure: wait for room (delivery reports free it).
                    try? await Task.sleep(for: .milliseconds(2))
                    if !Task.isCancelled { continue }
                    cancelled = true
                    batch.delivered(error: nil)
                } else {
                    batch.delivered(error: error)
                }
                break
            }
        }
        if cancelled {
            try? await batch.wait()
            throw CancellationError()
        }
        try await batch.wait()
        withExtendedLifetime(batch) {}
    }

    /// Waits until everything produced so far is delivered (or the timeout passes).
    package func flush(timeout: Duration = .seconds(30)) async throws {
        guard users.enter() else { throw KafkaError.closed(operation: "flush") }
        defer { users.leave() }
        try await flushHandle(timeout: timeout)
    }

    private func flushHandle(timeout: Duration = .seconds(30)) async throws {
        let handle = SendableHandle(self.handle)
        let ms = Int32(clamping: timeout.inMilliseconds)
        let err = try await onOwnThread("kafka-flush") { rd_kafka_flush(handle.pointer, ms) }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "flush") }
    }

    /// Refuses new sends, waits for the sends in flight, flushes, stops the poll loop and
    /// destroys the handle. A second call returns at once; a send after it throws.
    package func close() async {
        guard await users.close() else { return }
        try? await flushHandle()
        guard running.clear() else { return }
        let handle = SendableHandle(self.handle)
        let stopped = self.stopped
        _ = try? await onOwnThread("kafka-producer-close") {
            stopped.wait()
            rd_kafka_destroy(handle.pointer)
        }
    }

    /// Enqueues one record (librdkafka copies key, value and headers).
    private func produce(_ record: OutgoingRecord, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        let headers: OpaquePointer? = record.headers.isEmpty ? nil : rd_kafka_headers_new(record.headers.count)
        for header in record.headers {
            if let value = header.value {
                _ = value.withUnsafeBytes { rd_kafka_header_add(headers, header.name, -1, $0.baseAddress, $0.count) }
            } else {
                _ = rd_kafka_header_add(headers, header.name, -1, nil, 0)
            }
        }
        let error: OpaquePointer? = record.topic.withCString { topic in
            withOptionalBytes(record.key) { keyPointer, keyCount in
                withOptionalBytes(record.value) { valuePointer, valueCount in
                    var values: [rd_kafka_vu_t] = []
                    values.reserveCapacity(7)
                    var v = rd_kafka_vu_t()
                    v.vtype = RD_KAFKA_VTYPE_TOPIC; v.u.cstr = topic; values.append(v)
                    v = rd_kafka_vu_t()
                    v.vtype = RD_KAFKA_VTYPE_MSGFLAGS; v.u.i = RD_KAFKA_MSG_F_COPY; values.append(v)
                    v = rd_kafka_vu_t()
                    v.vtype = RD_KAFKA_VTYPE_OPAQUE; v.u.ptr = opaque; values.append(v)
                    if let keyPointer {
                        v = rd_kafka_vu_t()
                        v.vtype = RD_KAFKA_VTYPE_KEY; v.u.mem.ptr = keyPointer; v.u.mem.size = keyCount; values.append(v)
                    }
                    if let valuePointer {
                        v = rd_kafka_vu_t()
                        v.vtype = RD_KAFKA_VTYPE_VALUE; v.u.mem.ptr = valuePointer; v.u.mem.size = valueCount; values.append(v)
                    }
                    if let partition = record.partition {
                        v = rd_kafka_vu_t()
                        v.vtype = RD_KAFKA_VTYPE_PARTITION; v.u.i32 = partition; values.append(v)
                    }
                    if let headers {
                        // On success librdkafka owns the headers.
                        v = rd_kafka_vu_t()
                        v.vtype = RD_KAFKA_VTYPE_HEADERS; v.u.headers = headers; values.append(v)
                    }
                    return values.withUnsafeBufferPointer { rd_kafka_produceva(handle, $0.baseAddress, $0.count) }
                }
            }
        }
        guard let error else { return nil }
        if headers != nil { rd_kafka_headers_destroy(headers) }
        return KafkaError(consuming: error, operation: "produce to \(record.topic)")
    }
}

/// Calls `body` with a pointer to `bytes` (nil for a Kafka null). A non-null empty array still
/// gets a valid pointer, so an empty value stays distinct from a null one.
private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeMutableRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    if bytes.isEmpty {
        var empty: UInt8 = 0
        return withUnsafeMutableBytes(of: &empty) { body($0.baseAddress, 0) }
    }
    // librdkafka declares the pointer mutable but only copies from it (RD_KAFKA_MSG_F_COPY).
    return bytes.withUnsafeBytes { body(UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count) }
}

/// Who may use a producer's handle: anyone until `close()` begins; `close()` then waits for
/// the calls in flight before the handle is destroyed under them.
final class HandleUsers: @unchecked Sendable {
    private let lock = NSLock()
    private var closing = false
    private var inFlight = 0
    private var drained: CheckedContinuation<Void, Never>?

    /// False once `close()` has begun.
    func enter() -> Bool {
        lock.withLock {
            if closing { return false }
            inFlight += 1
            return true
        }
    }

    func leave() {
        let resume: CheckedContinuation<Void, Never>? = lock.withLock {
            inFlight -= 1
            guard inFlight == 0, let c = drained else { return nil }
            drained = nil
            return c
        }
        resume?.resume()
    }

    /// Refuses new users and waits for the current ones; false when another `close()` came first.
    func close() async -> Bool {
        let first: Bool = lock.withLock {
            defer { closing = true }
            return !closing
        }
        guard first else { return false }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let idle: Bool = lock.withLock {
                if inFlight == 0 { return true }
                drained = c
                return false
            }
            if idle { c.resume() }
        }
        return true
    }
}

/// Counts the delivery reports of one `send` and resumes it after the last one.
final class DeliveryBatch: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private var firstError: KafkaError?
    private var continuation: CheckedContinuation<Void, any Error>?

    init(count: Int) { remaining = count }

    func delivered(error: KafkaError?) {
        let resume: CheckedContinuation<Void, any Error>? = lock.withLock {
            remaining -= 1
            if firstError == nil, let error { firstError = error }
            guard remaining == 0, let c = continuation else { return nil }
            continuation = nil
            return c
        }
        resume.map(finish)
    }

    func wait() async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let ready: Bool = lock.withLock {
                if remaining == 0 { return true }
                continuation = c
                return false
            }
            if ready { finish(c) }
        }
    }

    private func finish(_ c: CheckedContinuation<Void, any Error>) {
        if let error = lock.withLock({ firstError }) { c.resume(throwing: error) } else { c.resume() }
    }
}

/// A flag set at creation and cleared once; `clear` tells whether this call cleared it.
final class RunFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = true

    var isSet: Bool { lock.withLock { value } }

    func clear() -> Bool {
        lock.withLock {
            defer { value = false }
            return value
        }
    }
}
