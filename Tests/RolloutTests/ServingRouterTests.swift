import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient
import LegacySQL
import Logging
import PostgresClient
import RedisClient
import Rollout
import ServiceLifecycle
import StreamAgg
import Testing
import Workload

@Suite("The serving router against the running services")
struct ServingRouterTests {
    let logger = Logger(label: "router-test")

    /// Both stores and both summary topics filled from one small generated workload.
    func populate(_ services: IsolatedServices) async throws {
        try await services.produce(WorkloadGenerator(contacts: 80, events: 400, seed: 11))
        try await services.runPaths(logger: logger)
    }

    /// Each store's rows as JSON by key: what a converged serving topic must end with.
    func storeRows(_ configuration: BridgeConfiguration) async throws -> [ServingPath: [String: String]] {
        let postgres = try await PostgresClient(url: configuration.postgresURL)
        defer { postgres.close() }
        let redis = try await RedisClient(configuration: try configuration.redis())
        defer { redis.close() }
        let legacy = try await LegacyExport(postgres: postgres).contactSummaries()
        let stream = try await StreamStore(redis: redis, prefix: configuration.topicPrefix).contactSummaries()
        return [.legacy: Dictionary(uniqueKeysWithValues: legacy.map { ($0.contactId, $0.json) }),
                .stream: Dictionary(uniqueKeysWithValues: stream.map { ($0.contactId, $0.json) })]
    }

    /// Reads the serving topic until every key's last record comes from `position`'s owner with
    /// that owner's stored row, or a generous bound passes (a guard against hanging, not a
    /// timing assertion). Returns the last mismatches seen (empty when converged).
    func awaitServing(_ position: RolloutPosition, rows: [ServingPath: [String: String]],
                      configuration: BridgeConfiguration) async throws -> [String] {
        let keys = Set(rows[.legacy]!.keys)
        var problems: [String] = []
        let deadline = ContinuousClock.now + .seconds(120)
        repeat {
            let read = try await TopicReader.readAll([configuration.topics.contactSummaryServing], configuration: configuration)
            var last: [String: KafkaRecord] = [:]
            for (_, records) in read { for r in records { if let key = r.key { last[String(decoding: key, as: UTF8.self)] = r } } }
            problems = []
            for key in keys.sorted() {
                let owner = position.owner(of: key)
                guard let record = last[key] else { problems.append("\(key): missing"); continue }
                let path = ServingPath(headers: record.headers)
                if path != owner { problems.append("\(key): from \(path?.rawValue ?? "nil"), expected \(owner.rawValue)") }
                if record.value.map({ String(decoding: $0, as: UTF8.self) }) != rows[owner]?[key] {
                    problems.append("\(key): value differs from the \(owner.rawValue) store")
                }
            }
            if problems.isEmpty { return [] }
            try await Task.sleep(for: .milliseconds(300))
        } while ContinuousClock.now < deadline
        return problems
    }

    func startRouter(_ configuration: BridgeConfiguration) async throws -> (ServiceGroup, Task<Void, any Error>) {
        let router = ServingRouter.makeService(configuration: configuration, exitWhenIdle: false, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: router)], logger: logger))
        return (group, Task { try await group.run() })
    }

    @Test("the serving topic carries each key from the authoritative path in every phase, and follows rollback without a restart")
    func phases() async throws {
        try await withIsolatedServices { services in
            let configuration = services.configuration
            try await populate(services)
            let rows = try await storeRows(configuration)
            #expect(rows[.legacy]!.count == 80)
            #expect(rows[.legacy] == rows[.stream], "the two paths must agree for this test to tell them apart by header only")

            let postgres = try await PostgresClient(url: configuration.postgresURL)
            defer { postgres.close() }
            let store = RolloutStore(postgres: postgres)
            let gate = RolloutGate(rounds: 1, minKeys: 1)

            var (group, task) = try await startRouter(configuration)

            // Shadow: every key from the legacy path.
            #expect(try await awaitServing(.shadow, rows: rows, configuration: configuration) == [])

            // Canary 50: the stream's keys are re-published from Redis, the header follows the hash.
            let canary = RolloutPosition.canary(50)
            let streamKeys = rows[.legacy]!.keys.filter { canary.owner(of: $0) == .stream }.count
            #expect(streamKeys > 10 && streamKeys < 70)
            _ = try await store.set(.canary, percent: 50, force: true, operator: "test", reason: "canary", gate: gate)
            #expect(try await awaitServing(canary, rows: rows, configuration: configuration) == [])

            // Rollback: legacy again, with the same router process.
            _ = try await store.rollback(operator: "test", reason: "rollback")
            #expect(try await awaitServing(.shadow, rows: rows, configuration: configuration) == [])

            // A phase change while the router is down is caught up on start.
            await group.triggerGracefulShutdown()
            try await task.value
            _ = try await store.set(.cutover, percent: nil, force: true, operator: "test", reason: "cutover", gate: gate)
            (group, task) = try await startRouter(configuration)
            #expect(try await awaitServing(.cutover, rows: rows, configuration: configuration) == [])

            let served = try await ServedPositionsStore(postgres: postgres, group: configuration.routerGroup).load()
            #expect(served == [.cutover])
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }
}
