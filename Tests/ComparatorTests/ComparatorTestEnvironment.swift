import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Comparator
import Foundation
import KafkaClient
import LegacySQL
import Logging
import PostgresClient
import RedisClient
import StreamAgg

/// One test's private slice of the shared services: its own database, a unique prefix for
/// topics, groups and Redis keys, and clients to reach them; both paths fed from one workload.
struct ComparatorTestEnvironment {
    let configuration: BridgeConfiguration
    let database: TestDatabase
    let postgres: PostgresClient
    let redis: RedisClient
    let logger = Logger(label: "comparator-test")

    init() async throws {
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        database = try await TestDatabase.create(tag: String(tag), migrated: true)
        var configuration = try BridgeConfiguration.fromEnvironment()
        configuration.postgresURL = database.url
        configuration.topicPrefix = "t\(tag)."
        // The broker admits a new group member after about one session timeout.
        configuration.tuning.sessionTimeoutMillis = 6000
        configuration.tuning.batchSize = 200
        self.configuration = configuration
        try await KafkaAdmin(configuration: configuration.kafka).createTopics(configuration.topics.all, partitions: 4)
        postgres = try await PostgresClient(url: database.url)
        redis = try await RedisClient(configuration: try configuration.redis())
    }

    var prefix: String { configuration.topicPrefix }

    /// Produces a generated workload to the input topics.
    func produce(contacts: Int, events: Int, seed: UInt64) async throws {
        let topics = configuration.topics
        var records: [OutgoingRecord] = []
        try WorkloadGenerator(contacts: contacts, events: events, seed: seed).generate { r in
            records.append(OutgoingRecord(topic: topics.name(of: r.topic), key: r.key, value: r.value))
        }
        let producer = try KafkaProducer(configuration: configuration.kafka)
        try await producer.send(records)
        await producer.close()
    }

    /// Runs the named paths until they have consumed every input partition to its end.
    func run(legacy: Bool = true, stream: Bool = true) async throws {
        let configuration = self.configuration, logger = self.logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            if legacy {
                group.addTask { try await LegacyPath.makeService(configuration: configuration, exitWhenIdle: true, logger: logger).run() }
            }
            if stream {
                group.addTask { try await StreamPath.makeService(configuration: configuration, exitWhenIdle: true, logger: logger).run() }
            }
            try await group.waitForAll()
        }
    }

    func comparator(graceSeconds: Double = 60, rules: ComparisonRules = ComparisonRules()) -> ShadowComparator {
        ShadowComparator(postgres: postgres, redis: redis, topics: configuration.topics,
                         settings: ComparatorSettings(graceSeconds: graceSeconds, sampleLimit: 1000, rules: rules))
    }

    func contactStateKey(_ contactId: String) -> String { "\(prefix)c:{\(contactId)}:s" }

    /// Deletes this test's Redis keys and its database (topics are left: the embedded broker
    /// forgets them).
    func cleanUp() async {
        var cursor = "0"
        repeat {
            guard let reply = try? await redis.command(["SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"]),
                  let parts = reply.array, let next = parts[0].string, let keys = parts[1].array else { break }
            let names = keys.compactMap { k -> [UInt8]? in if case .bulk(let b) = k { b } else { nil } }
            if !names.isEmpty { _ = try? await redis.pipeline([[Array("DEL".utf8)] + names]) }
            cursor = next
        } while cursor != "0"
        redis.close()
        postgres.close()
        await database.drop()
    }
}
