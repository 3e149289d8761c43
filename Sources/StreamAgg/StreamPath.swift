import BridgeSupport
import KafkaClient
import Logging
import RedisClient

/// The CLI's entry to the stream path.
public enum StreamPath {
    /// Connects `streamParallelism` Redis clients and a producer and returns the input loop
    /// that drives a `StreamProcessor` in the stream consumer group.
    public static func makeService(configuration: BridgeConfiguration, exitWhenIdle: Bool, logger: Logger) async throws -> InputLoop {
        let redisConfiguration = try configuration.redis()
        var clients: [RedisClient] = []
        for i in 0..<max(1, configuration.tuning.streamParallelism) {
            clients.append(try await RedisClient(configuration: redisConfiguration, name: "redis-stream-\(i)"))
        }
        let producer = try KafkaProducer(configuration: configuration.kafka)
        let processor = StreamProcessor(configuration: configuration, redis: clients, producer: producer, logger: logger)
        return InputLoop(configuration: configuration, groupId: configuration.topics.streamGroup,
                         processor: processor, exitWhenIdle: exitWhenIdle, logger: logger)
    }
}
