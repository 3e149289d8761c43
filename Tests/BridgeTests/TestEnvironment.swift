import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import PostgresClient

/// One isolated bridge on the shared services: its own PostgreSQL database, and a unique
/// prefix for topics, consumer groups and Redis keys.
struct TestEnvironment {
    let prefix: String
    let database: String
    let configuration: BridgeConfiguration
    let bridge: BridgeProcess

    static let adminURL = ProcessInfo.processInfo.environment["BRIDGE_POSTGRES_URL"] ?? "postgres://bridge:bridge@127.0.0.1:15432/bridge"

    static func make() async throws -> TestEnvironment {
        let id = UInt32.random(in: 0...UInt32.max)
        let prefix = "t\(id)."
        let database = "t_cli_\(id)"
        let admin = try await PostgresClient(url: adminURL)
        try await admin.query("CREATE DATABASE \(database)")
        admin.close()
        var configuration = try BridgeConfiguration.fromEnvironment()
        configuration.topicPrefix = prefix
        let base = adminURL[..<(adminURL.lastIndex(of: "/") ?? adminURL.endIndex)]
        configuration.postgresURL = "\(base)/\(database)"
        configuration.tuning.sessionTimeoutMillis = 6000
        let bridge = BridgeProcess(environment: [
            "BRIDGE_TOPIC_PREFIX": prefix,
            "BRIDGE_POSTGRES_URL": configuration.postgresURL,
            "BRIDGE_SESSION_TIMEOUT_MS": "6000",
            "BRIDGE_BATCH_SIZE": "500",
            "BRIDGE_LOG_LEVEL": "warning",
        ])
        try await bridge.run(["migrate"])
        try await bridge.run(["topics"])
        return TestEnvironment(prefix: prefix, database: database, configuration: configuration, bridge: bridge)
    }

    func dropDatabase() async {
        guard let admin = try? await PostgresClient(url: Self.adminURL) else { return }
        _ = try? await admin.query("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        admin.close()
    }

    /// Every record of a topic, read to its end with a throw-away consumer group.
    func readAll(_ topic: String) async throws -> [KafkaRecord] {
        let admin = try KafkaAdmin(configuration: configuration.kafka)
        let marks = try await admin.watermarks(try await admin.partitions(of: topic))
        let consumer = try KafkaConsumer(configuration: configuration.kafka, options: .init(
            groupId: "\(prefix)reader-\(UUID().uuidString)", topics: [topic],
            startOffsets: { Dictionary(uniqueKeysWithValues: $0.map { ($0, KafkaOffset.beginning) }) },
            properties: ["session.timeout.ms": "6000"]))
        var records: [KafkaRecord] = []
        var quiet = 0
        let deadline = ContinuousClock.now + .seconds(120)
        // Read until the marks are reached and nothing more arrives for a while (the embedded
        // broker's high watermark can undercount a multi-record batch, so marks alone are not enough).
        while ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maxRecords: 10_000, maxWait: .milliseconds(300))
            records += batch
            let reached = marks.allSatisfy { tp, mark in (records.last { $0.topicPartition == tp }?.offset ?? -1) + 1 >= mark.high }
            quiet = batch.isEmpty ? quiet + 1 : 0
            if reached && quiet >= 4 && !consumer.assignment.isEmpty { break }
        }
        await consumer.close()
        return records
    }

    /// The contract's aggregates over what the input topics hold, in partition order.
    func referenceFold() async throws -> ReferenceFold {
        var fold = ReferenceFold()
        for input in InputTopic.allCases {
            let records = try await readAll(configuration.topics.name(of: input))
            for r in records.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
                _ = fold.apply(topic: input, partition: r.partition, offset: r.offset, key: r.key, value: r.value)
            }
        }
        return fold
    }

    /// The last value published per key on an output topic.
    func lastPublished(_ topic: String) async throws -> [String: String] {
        var last: [String: String] = [:]
        for r in try await readAll(topic).sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            last[String(decoding: r.key ?? [], as: UTF8.self)] = String(decoding: r.value ?? [], as: UTF8.self)
        }
        return last
    }
}
