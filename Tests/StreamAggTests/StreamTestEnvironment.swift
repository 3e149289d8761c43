import BridgeModel
import BridgeSupport
import BridgeTestSupport
import KafkaClient
import Logging
import RedisClient
@testable import StreamAgg

/// One test's private slice of the shared services: a unique prefix for topics, consumer
/// groups and Redis keys, the topics created, and clients to reach them.
struct StreamTestEnvironment {
    let services: IsolatedServices
    let configuration: BridgeConfiguration
    let redis: [RedisClient]
    let producer: KafkaProducer
    let logger = Logger(label: "stream-test")

    static let partitions = 4

    init(parallelism: Int = 3) async throws {
        let services = try await IsolatedServices.make(database: false) {
            $0.tuning.streamParallelism = parallelism
            $0.tuning.batchSize = 97
            $0.partitions = Self.partitions
        }
        self.services = services
        configuration = services.configuration
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
        await services.tearDown(redis: redis[0])
        await producer.close()
        redis.forEach { $0.close() }
    }
}
