import BridgeModel
import BridgeSupport
import KafkaClient
import Logging
import RedisClient
@testable import StreamAgg

/// One test's private slice of the shared services: a unique prefix for topics, consumer
/// groups and Redis keys, the topics created, and clients to reach them.
struct StreamTestEnvironment {
    let configuration: BridgeConfiguration
    let redis: [RedisClient]
    let producer: KafkaProducer
    let logger = Logger(label: "stream-test")

    static let partitions = 4

    init(parallelism: Int = 3) async throws {
        var configuration = try BridgeConfiguration.fromEnvironment()
        configuration.topicPrefix = "t\(UInt32.random(in: 0...UInt32.max))."
        configuration.tuning.sessionTimeoutMillis = 6000
        configuration.tuning.streamParallelism = parallelism
        configuration.tuning.batchSize = 97
        configuration.partitions = Self.partitions
        self.configuration = configuration
        let admin = try KafkaAdmin(configuration: configuration.kafka)
        try await admin.createTopics(configuration.topics.all, partitions: Self.partitions)
        var clients: [RedisClient] = []
        for _ in 0..<parallelism { clients.append(try await RedisClient(configuration: try configuration.redis())) }
        redis = clients
        producer = try KafkaProducer(configuration: configuration.kafka)
    }

    var prefix: String { configuration.topicPrefix }

    func processor() -> StreamProcessor {
        StreamProcessor(configuration: configuration, redis: redis, producer: producer, logger: logger)
    }

    func export() async throws -> (contacts: [ContactSummaryRow], days: [CampusDailyRow]) {
        let export = StreamExport(redis: redis[0], prefix: prefix, chunk: 7)
        return (try await export.contactSummaries(), try await export.campusDaily())
    }

    /// Deletes this test's Redis keys (topics are left: the embedded broker forgets them).
    func cleanUp() async throws {
        let pattern = prefix + "*"
        var cursor = "0"
        repeat {
            let reply = try await redis[0].command(["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"])
            guard let parts = reply.array, let next = parts[0].string, let keys = parts[1].array else { break }
            let names = keys.compactMap { reply -> [UInt8]? in if case .bulk(let b) = reply { b } else { nil } }
            if !names.isEmpty { _ = try await redis[0].pipeline([[Array("DEL".utf8)] + names]) }
            cursor = next
        } while cursor != "0"
        await producer.close()
        redis.forEach { $0.close() }
    }
}
