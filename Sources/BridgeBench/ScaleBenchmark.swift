import BridgeSupport
import Foundation
import KafkaClient
import Logging
import RedisClient
import StreamAgg
import Workload

/// The stream path on one Redis and on a Redis Cluster, with 1, 2 and 3 instances in one
/// consumer group: how long each setup takes to apply the same workload, and what each Redis
/// node and each instance spent meanwhile (so that a result on a shared 2-core machine can be
/// read for what it is: the same two cores shared differently).
/// `bridge bench scale` parses its options into one and prints the table.
package struct ScaleBenchmark {
    /// Message events and contacts of the workload.
    package var events: Int, contacts: Int
    /// Seed list of the Redis Cluster.
    package var clusterURL: String
    /// Instance counts to run, each on one Redis and on the cluster.
    package var instances: [Int]
    /// Partitions of the input topics (instances share them).
    package var partitions: Int
    /// Seed of the generated workload.
    package var seed: UInt64

    package init(events: Int, contacts: Int, clusterURL: String, instances: [Int], partitions: Int, seed: UInt64) {
        (self.events, self.contacts, self.clusterURL, self.instances, self.partitions, self.seed) =
            (events, contacts, clusterURL, instances, partitions, seed)
    }

    struct Setup { var name: String; var redisURL: String; var instances: Int }

    /// Runs every setup on the services of `configuration` and returns the table's lines; what
    /// it created is removed at the end, also when a setup fails.
    package func run(on configuration: BridgeConfiguration) async throws -> [String] {
        var base = configuration
        base.partitions = partitions
        let counts = instances
        var setups: [Setup] = []
        for n in counts { setups.append(Setup(name: "one Redis, \(n) instance\(n == 1 ? "" : "s")", redisURL: base.redisURL, instances: n)) }
        for n in counts { setups.append(Setup(name: "3-master cluster, \(n) instance\(n == 1 ? "" : "s")", redisURL: clusterURL, instances: n)) }
        let scope = BenchScope(base: base)
        var rows: [String] = ["| setup | records | spawn to caught up s | records/s | bridge CPU s (per instance) | Redis CPU s per node |",
                              "| --- | ---: | ---: | ---: | --- | --- |"]
        do {
            for (i, setup) in setups.enumerated() {
                FileHandle.standardError.write(Data("bench scale: \(setup.name)\n".utf8))
                rows.append(try await measure(setup, configuration: scope.configuration("x\(i)"), scope: scope))
            }
        } catch {
            await scope.cleanUp()
            await cleanCluster(scope)
            throw error
        }
        await scope.cleanUp()
        await cleanCluster(scope)
        return rows
    }

    private func measure(_ setup: Setup, configuration: BridgeConfiguration, scope: BenchScope) async throws -> String {
        var config = configuration
        config.redisURL = setup.redisURL
        try await KafkaAdmin(configuration: config.kafka).createTopics(config.topics.all, partitions: partitions)
        let producer = try KafkaProducer(configuration: config.kafka)
        let input = try BenchTopics.generated(WorkloadGenerator(contacts: contacts, events: events, seed: seed), topics: config.topics)
        try await WorkloadProducer.send(input, with: producer)
        await producer.close()
        // Where "caught up" is: the offset after each input partition's last record.
        let end = BenchTopics.nextOffsets(after: try await BenchTopics.read(config.topics.inputs, configuration: config))

        let redis = try await RedisClient(configuration: try config.redis(), name: "bench-scale")
        defer { redis.close() }
        let before = try await nodeCPU(redis)
        var environment = scope.environment(for: config)
        environment["BRIDGE_SESSION_TIMEOUT_MS"] = "6000"
        let started = ContinuousClock.now
        let children = try (0..<setup.instances).map { _ in
            try ChildProcess(ChildProcess.bridgeExecutable, ["run", "--stream", "--no-http"], environment: environment)
        }
        let store = StreamStore(redis: redis, prefix: config.topicPrefix)
        for child in children { try child.start() }
        var caughtUp = false
        while ContinuousClock.now - started < .seconds(900) {
            let applied = try await store.appliedOffsets()
            if end.allSatisfy({ applied[$0.key] ?? 0 >= $0.value }) { caughtUp = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        let cpu = children.map { $0.cpuSeconds() ?? 0 }
        let after = try await nodeCPU(redis)
        for child in children { child.terminate() }
        for child in children { _ = try await child.wait(timeout: .seconds(60)) }
        guard caughtUp else { throw BenchFailure("\(setup.name): not caught up after 900 s") }
        let bridgeCPU = cpu.map { String(format: "%.1f", $0) }.joined(separator: ", ")
        let nodeLoad = after.keys.sorted().map { "\($0) " + String(format: "%.1f", after[$0]! - (before[$0] ?? 0)) }.joined(separator: ", ")
        return "| \(setup.name) | \(input.count) | \(String(format: "%.1f", seconds)) | \(Int(Double(input.count) / seconds)) | \(bridgeCPU) | \(nodeLoad) |"
    }

    /// used_cpu_user + used_cpu_sys of every master (one server: itself).
    private func nodeCPU(_ redis: RedisClient) async throws -> [String: Double] {
        var out: [String: Double] = [:]
        for (node, reply) in try await redis.onEveryMaster(.command(["INFO", "cpu"])) {
            out[node.description] = RedisCost.cpuSeconds(info: try reply.check().string ?? "")
        }
        return out
    }

    private func cleanCluster(_ scope: BenchScope) async {
        guard let cluster = try? await RedisClient(configuration: try RedisConfiguration(url: clusterURL)) else { return }
        _ = try? await cluster.deleteKeys(matching: scope.root + "*")
        cluster.close()
    }
}
