import CRdKafka
import Foundation

/// Builds an `rd_kafka_conf_t` from properties, reporting the offending property by name.
func makeConf(_ properties: [String: String]) throws -> OpaquePointer {
    let conf = rd_kafka_conf_new()!
    var errstr = [CChar](repeating: 0, count: 512)
    for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
        if rd_kafka_conf_set(conf, name, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: -1, message: "\(name): \(cString(errstr))", operation: "configuration")
        }
    }
    return conf
}

/// Creates a client handle; takes ownership of `conf` on success and on failure.
func makeHandle(_ type: rd_kafka_type_t, conf: OpaquePointer) throws -> OpaquePointer {
    var errstr = [CChar](repeating: 0, count: 512)
    guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
        rd_kafka_conf_destroy(conf)
        throw KafkaError(code: -1, message: cString(errstr), operation: "creating a client")
    }
    return handle
}

/// Where librdkafka's log lines and global errors go. librdkafka calls these from its own
/// threads; the sink must only hand the line over (the bridge forwards it to swift-log).
package enum KafkaDiagnostics {
    package typealias Sink = @Sendable (_ level: Int32, _ facility: String, _ message: String) -> Void
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sinkStorage: Sink = { level, facility, message in
        // Default: critical lines only (connection-refused errors repeat every retry; the
        // clients report unreachable services themselves, in one line).
        if level <= 2 { FileHandle.standardError.write(Data("librdkafka \(facility): \(message)\n".utf8)) }
    }

    package static var sink: Sink {
        get { lock.withLock { sinkStorage } }
        set { lock.withLock { sinkStorage = newValue } }
    }

    static func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_log_cb(conf) { _, level, facility, message in
            KafkaDiagnostics.sink(level, facility.map { String(cString: $0) } ?? "", message.map { String(cString: $0) } ?? "")
        }
    }
}

/// Converts between Swift partitions and librdkafka's partition lists.
enum PartitionList {
    static func make(_ offsets: [(TopicPartition, Int64)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(offsets.count, 1)))!
        for (tp, offset) in offsets {
            let element = rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition)!
            element.pointee.offset = offset
        }
        return list
    }

    static func make(_ partitions: [TopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        make(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
    }

    static func entries(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [(TopicPartition, Int64, rd_kafka_resp_err_t)] {
        (0..<Int(list.pointee.cnt)).map { i in
            let e = list.pointee.elems[i]
            return (TopicPartition(String(cString: e.topic), e.partition), e.offset, e.err)
        }
    }
}

/// Special offsets librdkafka understands.
package enum KafkaOffset {
    package static let beginning = Int64(RD_KAFKA_OFFSET_BEGINNING)
    package static let end = Int64(RD_KAFKA_OFFSET_END)
    package static let stored = Int64(RD_KAFKA_OFFSET_STORED)
    package static let invalid = Int64(RD_KAFKA_OFFSET_INVALID)
}

/// A librdkafka handle handed to a closure that runs on another thread. librdkafka handles are
/// thread-safe for the calls the clients make from several threads (poll, produce, metadata).
struct SendableHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}

/// The text in a NUL-terminated C buffer.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
