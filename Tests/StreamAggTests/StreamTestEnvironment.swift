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
    let redis: RedisClient
    let producer: KafkaProducer
    let logger = Logger(label: "stream-test")

    static let partitions = 4

    init(batchSize: Int = 97) async throws {
        let services = try await IsolatedServices.make(database: false) {
            $0.tuning.batchSize = batchSize
            $0.partitions = Self.partitions
        }
        self.services = services
        configuration = services.configuration
        redis = try await RedisClient(configuration: try configuration.redis())
        producer = try KafkaProducer(configuration: configuration.kafka)
    }

    var prefix: String { configuration.topicPrefix }
    var topics: TopicNames { configuration.topics }
    var store: StreamStore { StreamStore(redis: redis, prefix: prefix, chunk: 7) }

    /// The engine's batch step on `partitions` (all by default), claimed now.
    func driver(partitions: [Int32]? = nil) async throws -> StreamBatchDriver {
        try await StreamBatchDriver(configuration: configuration, partitionCount: Self.partitions, partitions: partitions, logger: logger)
    }

    func export() async throws -> (contacts: [ContactSummaryRow], days: [CampusDailyRow]) {
        (try await store.contactSummaries(), try await store.campusDaily())
    }

    /// The last value published per key on the two output topics, as rows.
    func published() async throws -> (contacts: [ContactSummaryRow], days: [CampusDailyRow]) {
        let summaries = try await TopicReader.lastValues(topics.contactSummaryStream, configuration: configuration)
        let contacts = try summaries.values.map { try ContactSummaryRow(json: $0) }.sorted { ByteString.less($0.contactId, $1.contactId) }
        let days = try await TopicReader.lastValues(topics.campusDailyStream, configuration: configuration)
        return (contacts, try days.values.map { try CampusDailyRow(json: $0) }.sorted { $0.key < $1.key })
    }

    /// Deletes this test's Redis keys (topics are left: the embedded broker forgets them).
    /// Tests do not call it: `withStreamEnvironment` does, also when the test throws.
    fileprivate func cleanUp() async {
        await services.tearDown(redis: redis)
        await producer.close()
        redis.close()
    }
}

/// Runs `body` on a fresh `StreamTestEnvironment` and deletes its Redis keys afterwards, also
/// when `body` throws.
@discardableResult
func withStreamEnvironment<Result>(_ body: (StreamTestEnvironment) async throws -> Result) async throws -> Result {
    try await withCleanUp(try await StreamTestEnvironment(), cleanUp: { await $0.cleanUp() }, body)
}

/// A workload laid out as Kafka would hold it: each item in its contact's partition (the same
/// partition number on both topics), offsets in generation order.
struct PlacedWorkload {
    /// Per input partition, its records in offset order.
    var partitions: [TopicPartition: [KafkaRecord]] = [:]

    init(_ workload: Workload, topics: TopicNames, partitionCount: Int) {
        for item in workload.items {
            let partition = Int32(truncatingIfNeeded: (item.key ?? []).reduce(UInt32(7)) { $0 &* 31 &+ UInt32($1) } % UInt32(partitionCount))
            let tp = TopicPartition(topics.name(of: item.topic), partition)
            let offset = Int64(partitions[tp]?.count ?? 0)
            partitions[tp, default: []].append(KafkaRecord(topic: tp.topic, partition: partition, offset: offset,
                                                           key: item.key, value: item.value, timestampMillis: 1_700_000_000_000))
        }
    }

    /// The contract's fold of every record.
    func reference(topics: TopicNames) -> ReferenceFold {
        var fold = ReferenceFold()
        for (_, records) in partitions {
            for r in records { fold.apply(topic: topics.input(r.topic)!, partition: r.partition, offset: r.offset, key: r.key, value: r.value) }
        }
        return fold
    }

    /// Every record from the given next offsets on, the partitions randomly interleaved (each
    /// partition's records stay in offset order), cut into batches of 1 to `maxBatch` records.
    func batches(from next: [TopicPartition: Int64] = [:], maxBatch: Int, using rng: inout SeededGenerator) -> [[KafkaRecord]] {
        var queues = partitions.keys.sorted().map { tp in partitions[tp]!.filter { $0.offset >= (next[tp] ?? 0) }[...] }
        var stream: [KafkaRecord] = []
        while let pick = queues.indices.filter({ !queues[$0].isEmpty }).randomElement(using: &rng) {
            stream.append(queues[pick].removeFirst())
        }
        var batches: [[KafkaRecord]] = []
        var rest = stream[...]
        while !rest.isEmpty {
            let size = Int.random(in: 1...maxBatch, using: &rng)
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return batches
    }
}
