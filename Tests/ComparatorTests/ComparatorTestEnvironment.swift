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
@testable import StreamAgg
import Testing
import Workload

/// One test's private slice of the shared services: its own database, a unique prefix for
/// topics, groups and Redis keys, and clients to reach them; both paths fed from one workload.
struct ComparatorTestEnvironment {
    let services: IsolatedServices
    let postgres: PostgresClient
    let redis: RedisClient
    let logger = Logger(label: "comparator-test")

    init() async throws {
        services = try await IsolatedServices.make { $0.tuning.batchSize = 200 }
        postgres = try await PostgresClient(url: services.configuration.postgresURL)
        redis = try await RedisClient(configuration: try services.configuration.redis())
    }

    var configuration: BridgeConfiguration { services.configuration }
    var prefix: String { configuration.topicPrefix }

    /// Produces a generated workload to the input topics.
    func produce(contacts: Int, events: Int, seed: UInt64) async throws {
        try await services.produce(WorkloadGenerator(contacts: contacts, events: events, seed: seed))
    }

    /// Runs the named paths until they have consumed every input partition to its end.
    func run(legacy: Bool = true, stream: Bool = true) async throws {
        try await services.runPaths(legacy: legacy, stream: stream, logger: logger)
    }

    func comparator(graceSeconds: Double = 60, rules: ComparisonRules = ComparisonRules(), judgeLimit: Int = 20) -> ShadowComparator {
        ShadowComparator(postgres: postgres, redis: redis, kafka: configuration.kafka, topics: configuration.topics,
                         settings: ComparatorSettings(graceSeconds: graceSeconds, sampleLimit: 1000, rules: rules, judgeLimit: judgeLimit))
    }

    /// Changes a contact's stored stream row the way a stray write would: the row only, not
    /// the digest sums the engine maintains with it.
    func rewriteStreamRow(_ contactId: String, _ change: (inout ContactAggregate) -> Void) async throws {
        let store = StreamStore(redis: redis, prefix: prefix)
        let found = try #require(try await store.contact(contactId))
        let key = store.keyspace.partition(found.partition).rows
        guard case .bulk(let bytes) = try await redis.execute([.command(["HGET", key, contactId])])[0],
              let stored = StoredAggregate.decode(bytes) else { throw TestFailure("no stored row for \(contactId)") }
        var aggregate = stored.aggregate
        change(&aggregate)
        let changed = StoredAggregate(aggregate: aggregate, digest: stored.digest, bucket: stored.bucket)
        _ = try await redis.execute([.command([Array("HSET".utf8), Array(key.utf8), Array(contactId.utf8), changed.encoded()])])[0].check()
    }

    struct TestFailure: Error { var message: String; init(_ m: String) { message = m } }

    /// Deletes this test's Redis keys and database. Tests do not call it:
    /// `withComparatorEnvironment` does, also when the test throws.
    fileprivate func cleanUp() async {
        await services.tearDown(redis: redis)
        redis.close()
        postgres.close()
    }
}

/// Runs `body` on a fresh `ComparatorTestEnvironment` and deletes its Redis keys and database
/// afterwards, also when `body` throws.
@discardableResult
func withComparatorEnvironment<Result>(_ body: (ComparatorTestEnvironment) async throws -> Result) async throws -> Result {
    try await withCleanUp(try await ComparatorTestEnvironment(), cleanUp: { await $0.cleanUp() }, body)
}
