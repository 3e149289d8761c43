import CRdKafka
import Foundation
import ServiceSupport

/// Cluster-level requests: topic creation, metadata, watermarks. Each request blocks on a
/// short-lived thread of its own, never on the cooperative pool.
package final class KafkaAdmin: @unchecked Sendable {
    package let configuration: KafkaConfiguration
    private let handle: OpaquePointer

    package init(configuration: KafkaConfiguration) throws {
        self.configuration = configuration
        var properties = ["bootstrap.servers": configuration.brokers]
        properties.merge(configuration.properties) { _, new in new }
        let conf = try makeConf(properties)
        KafkaDiagnostics.install(on: conf)
        handle = try makeHandle(RD_KAFKA_PRODUCER, conf: conf)
    }

    deinit { rd_kafka_destroy(handle) }

    package struct ClusterInfo: Sendable {
        package var brokers: [String]
        package var topics: [String: Int]   // name -> partition count
        /// name -> the fewest replicas any of its partitions has (its replication factor).
        package var replicas: [String: Int] = [:]
    }

    /// Metadata for all topics. A broker that cannot be reached within `timeout` gives
    /// `ServiceUnavailable` naming the configured address.
    package func metadata(timeout: Duration = .seconds(5)) async throws -> ClusterInfo {
        let handle = SendableHandle(self.handle)
        let address = configuration.address
        let ms = Int32(clamping: timeout.inMilliseconds)
        return try await onOwnThread("kafka-metadata") {
            var md: UnsafePointer<rd_kafka_metadata>?
            let err = rd_kafka_metadata(handle.pointer, 1, nil, &md, ms)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let md else {
                throw ServiceUnavailable(service: "kafka", address: address, detail: String(cString: rd_kafka_err2str(err)))
            }
            defer { rd_kafka_metadata_destroy(md) }
            let m = md.pointee
            let brokers = (0..<Int(m.broker_cnt)).map { i in "\(String(cString: m.brokers[i].host)):\(m.brokers[i].port)" }
            var topics: [String: Int] = [:]
            var replicas: [String: Int] = [:]
            for i in 0..<Int(m.topic_cnt) where m.topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR {
                let topic = m.topics[i]
                let name = String(cString: topic.topic)
                topics[name] = Int(topic.partition_cnt)
                replicas[name] = (0..<Int(topic.partition_cnt)).map { Int(topic.partitions[$0].replica_cnt) }.min()
            }
            return ClusterInfo(brokers: brokers, topics: topics, replicas: replicas)
        }
    }

    /// Creates the topics that do not exist yet, each with its settings from `configs` (topic
    /// name -> setting -> value); existing topics are left as they are. Returns the names it
    /// created.
    @discardableResult
    package func createTopics(_ names: [String], partitions: Int, replicationFactor: Int = 1,
                             configs: [String: [String: String]] = [:],
                             timeout: Duration = .seconds(15)) async throws -> [String] {
        let existing = try await metadata().topics
        let missing = names.filter { existing[$0] == nil }
        if missing.isEmpty { return [] }
        let handle = SendableHandle(self.handle)
        let ms = Int32(clamping: timeout.inMilliseconds)
        try await onOwnThread("kafka-create-topics") {
            var errstr = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
            for name in missing {
                guard let t = rd_kafka_NewTopic_new(name, Int32(partitions), Int32(replicationFactor), &errstr, errstr.count) else {
                    throw KafkaError(code: -1, message: cString(errstr), operation: "create topic \(name)")
                }
                newTopics.append(t)
                for (setting, value) in (configs[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let err = rd_kafka_NewTopic_set_config(t, setting, value)
                    guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, operation: "create topic \(name) with \(setting)") }
                }
            }
            try Self.adminRequest(handle.pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS, "create topics", timeoutMillis: ms) { options, queue in
                newTopics.withUnsafeMutableBufferPointer { rd_kafka_CreateTopics(handle.pointer, $0.baseAddress, $0.count, options, queue) }
            } results: { event in
                let result = rd_kafka_event_CreateTopics_result(event)
                var count = 0
                guard let topics = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
                for i in 0..<count {
                    let err = rd_kafka_topic_result_error(topics[i])
                    if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { continue }
                    let name = String(cString: rd_kafka_topic_result_name(topics[i]))
                    let message = rd_kafka_topic_result_error_string(topics[i]).map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(err))
                    throw KafkaError(code: err.rawValue, message: message, operation: "create topic \(name)")
                }
            }
        }
        // A created topic's partitions become visible in metadata shortly after creation.
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let topics = try await metadata().topics
            if missing.allSatisfy({ (topics[$0] ?? 0) >= partitions }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return missing
    }

    /// The settings the broker reports for each named topic (setting -> value, defaults
    /// included; sensitive values as the broker gives them, usually absent). A topic that does
    /// not exist is left out.
    package func topicConfigs(_ names: [String], timeout: Duration = .seconds(10)) async throws -> [String: [String: String]] {
        if names.isEmpty { return [:] }
        let handle = SendableHandle(self.handle)
        let ms = Int32(clamping: timeout.inMilliseconds)
        return try await onOwnThread("kafka-describe-configs") {
            var resources: [OpaquePointer?] = names.map { rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, $0) }
            defer { resources.forEach { rd_kafka_ConfigResource_destroy($0) } }
            var found: [String: [String: String]] = [:]
            try Self.adminRequest(handle.pointer, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, "describe topic configs", timeoutMillis: ms) { options, queue in
                resources.withUnsafeMutableBufferPointer { rd_kafka_DescribeConfigs(handle.pointer, $0.baseAddress, $0.count, options, queue) }
            } results: { event in
                let result = rd_kafka_event_DescribeConfigs_result(event)
                var count = 0
                guard let described = rd_kafka_DescribeConfigs_result_resources(result, &count) else { return }
                for i in 0..<count {
                    let resource = described[i]
                    let name = String(cString: rd_kafka_ConfigResource_name(resource))
                    let err = rd_kafka_ConfigResource_error(resource)
                    if err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART { continue }
                    guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                        let message = rd_kafka_ConfigResource_error_string(resource).map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(err))
                        throw KafkaError(code: err.rawValue, message: message, operation: "describe configs of topic \(name)")
                    }
                    var entryCount = 0
                    var settings: [String: String] = [:]
                    if let entries = rd_kafka_ConfigResource_configs(resource, &entryCount) {
                        for j in 0..<entryCount {
                            guard let value = rd_kafka_ConfigEntry_value(entries[j]) else { continue }
                            settings[String(cString: rd_kafka_ConfigEntry_name(entries[j]))] = String(cString: value)
                        }
                    }
                    found[name] = settings
                }
            }
            return found
        }
    }

    /// All partitions of a topic (empty when the topic does not exist).
    package func partitions(of topic: String) async throws -> [TopicPartition] {
        let count = try await metadata().topics[topic] ?? 0
        return (0..<Int32(count)).map { TopicPartition(topic, $0) }
    }

    /// Deletes the named topics (benchmarks removing what they created). Topics that do not
    /// exist are ignored; any other per-topic error is thrown.
    package func deleteTopics(_ names: [String], timeout: Duration = .seconds(15)) async throws {
        if names.isEmpty { return }
        let handle = SendableHandle(self.handle)
        let ms = Int32(clamping: timeout.inMilliseconds)
        try await onOwnThread("kafka-delete-topics") {
            var deleted: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
            defer { deleted.forEach { rd_kafka_DeleteTopic_destroy($0) } }
            try Self.adminRequest(handle.pointer, RD_KAFKA_ADMIN_OP_DELETETOPICS, "delete topics", timeoutMillis: ms) { options, queue in
                deleted.withUnsafeMutableBufferPointer { rd_kafka_DeleteTopics(handle.pointer, $0.baseAddress, $0.count, options, queue) }
            } results: { event in
                let result = rd_kafka_event_DeleteTopics_result(event)
                var count = 0
                guard let topics = rd_kafka_DeleteTopics_result_topics(result, &count) else { return }
                for i in 0..<count {
                    let err = rd_kafka_topic_result_error(topics[i])
                    if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART { continue }
                    let name = String(cString: rd_kafka_topic_result_name(topics[i]))
                    throw KafkaError(code: err.rawValue, message: String(cString: rd_kafka_err2str(err)), operation: "delete topic \(name)")
                }
            }
        }
    }

    /// One admin request, on the calling (dedicated) thread: options carrying the timeout, a
    /// private queue, `send` to issue the request on them, then the single result event it
    /// answers with, checked for a request-wide error before `results` reads it per topic.
    private static func adminRequest(_ handle: OpaquePointer, _ op: rd_kafka_admin_op_t, _ operation: String, timeoutMillis ms: Int32,
                                     send: (OpaquePointer?, OpaquePointer?) -> Void,
                                     results: (OpaquePointer) throws -> Void) throws {
        var errstr = [CChar](repeating: 0, count: 512)
        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, op)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_AdminOptions_set_operation_timeout(options, ms, &errstr, errstr.count)
        rd_kafka_AdminOptions_set_request_timeout(options, ms, &errstr, errstr.count)
        send(options, queue)
        guard let event = rd_kafka_queue_poll(queue, ms + 1000) else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, message: "no answer in time", operation: operation)
        }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(rd_kafka_event_error(event), operation: operation)
        }
        try results(event)
    }

    /// Low and high watermarks (high = the next offset to be written) of each partition.
    package func watermarks(_ partitions: [TopicPartition], timeout: Duration = .seconds(5)) async throws -> [TopicPartition: (low: Int64, high: Int64)] {
        let handle = SendableHandle(self.handle)
        let ms = Int32(clamping: timeout.inMilliseconds)
        return try await onOwnThread("kafka-watermarks") { try queryWatermarks(handle.pointer, partitions, timeoutMs: ms) }
    }
}
