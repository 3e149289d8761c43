import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import Logging
import RedisClient
import Workload

/// The paths themselves, in one run on the configured services: the broker's ceiling (kcat),
/// the stream path and the legacy path run as `bridge` children, both paths' cost per record
/// as history grows, the stream path's end-to-end latency at half its maximum rate, the
/// comparison round (`bench compare`), and each child's peak memory. Everything it creates
/// lives under one prefix and private databases, removed at the end, also on failure.
/// `bridge bench paths` parses its options into one and prints the report.
package struct PathsBenchmark {
    /// The sizes in effect (`--quick` replaces the defaults).
    package struct Sizes: Sendable {
        package var events: Int, contacts: Int, legacyEvents: Int, historySizes: [Int], historyBatch: Int
        package var legacyHistoryBatch: Int, latencySeconds: Int, compareContacts: [Int]

        package init(events: Int, contacts: Int, legacyEvents: Int, historySizes: [Int], historyBatch: Int,
                    legacyHistoryBatch: Int, latencySeconds: Int, compareContacts: [Int]) {
            (self.events, self.contacts, self.legacyEvents, self.historySizes) = (events, contacts, legacyEvents, historySizes)
            (self.historyBatch, self.legacyHistoryBatch, self.latencySeconds) = (historyBatch, legacyHistoryBatch, latencySeconds)
            self.compareContacts = compareContacts
        }

        /// The smoke run's sizes: small, 10 s of latency, one small comparison.
        package static let quick = Sizes(events: 20_000, contacts: 2_000, legacyEvents: 2_000, historySizes: [2_000, 10_000],
                                        historyBatch: 2_000, legacyHistoryBatch: 500, latencySeconds: 10, compareContacts: [10_000])
    }

    package var sizes: Sizes
    /// Comparison rounds per size.
    package var compareRounds: Int
    /// The kcat executable the broker's ceiling is measured with.
    package var kcat: String
    /// Seed of the generated workloads.
    package var seed: UInt64
    package var skipLegacy = false, skipHistory = false, skipLatency = false, skipCompare = false

    package init(sizes: Sizes, compareRounds: Int, kcat: String, seed: UInt64) {
        self.sizes = sizes
        self.compareRounds = compareRounds
        self.kcat = kcat
        self.seed = seed
    }

    /// Measures everything on the services of `base`, then removes what it created, also when
    /// a measurement fails.
    package func run(on base: BridgeConfiguration) async throws -> PathsReport {
        let scope = BenchScope(base: base)
        let report: PathsReport
        do {
            report = try await measure(sizes, scope: scope)
        } catch {
            await scope.cleanUp()
            throw error
        }
        await scope.cleanUp()
        return report
    }

    private func measure(_ sizes: Sizes, scope: BenchScope) async throws -> PathsReport {
        let logger = Logger(label: "bench")
        let say: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("bench paths: \($0)\n".utf8)) }
        var report = PathsReport()
        var ratios: [PathsReport.Row] = []
        var figures = PathsReport()
        let bridge = ChildProcess.bridgeExecutable

        // The stream path's workload, and the broker's ceiling on it.
        let stream = scope.configuration("s")
        try await KafkaAdmin(configuration: stream.kafka).createTopics(stream.topics.all, partitions: stream.partitions)
        let producer = try KafkaProducer(configuration: stream.kafka)
        let input = try BenchTopics.generated(WorkloadGenerator(contacts: sizes.contacts, events: sizes.events, seed: seed), topics: stream.topics)
        say("producing \(input.count) records")
        try await WorkloadProducer.send(input, with: producer)
        await producer.close()
        let empty = scope.configuration("s0")
        try await KafkaAdmin(configuration: empty.kafka).createTopics(empty.topics.all, partitions: empty.partitions)
        let ceiling = BrokerCeiling(kcat: kcat, configuration: stream)
        let kcatRead = try await ceiling.read(stream.topics.inputs, records: input.count)
        let kcatReadTogether = try await ceiling.readTogether(stream.topics.inputs, records: input.count)

        // Start-up and group join alone: the same command on empty topics.
        let idle = ["run", "--stream", "--exit-when-idle", "--no-http"]
        say("stream path on empty topics (start-up and group join)")
        let overhead = try await ChildProcess(bridge, idle, environment: scope.environment(for: empty)).run().seconds
        say("stream path over \(input.count) records")
        let redis = try await RedisClient(configuration: try stream.redis(), name: "bench-redis-stats")
        defer { redis.close() }
        let redisBefore = try await RedisCost(redis: redis).read()
        let streamRun = try await ChildProcess(bridge, idle, environment: scope.environment(for: stream)).run()
        let redisAfter = try await RedisCost(redis: redis).read()
        let streamRate = Double(input.count) / streamRun.seconds
        let steadyRate = streamRun.seconds > overhead ? Double(input.count) / (streamRun.seconds - overhead) : streamRate

        // kcat writing what the stream path published.
        let published = try await BenchTopics.read([stream.topics.contactSummaryStream, stream.topics.campusDailyStream, stream.topics.deadLetter],
                                                   configuration: stream)
        let bytes = published.isEmpty ? 0 : published.reduce(0) { $0 + ($1.key?.count ?? 0) + ($1.value?.count ?? 0) } / published.count
        let scratch = stream.topicPrefix + "kcat-scratch"
        try await KafkaAdmin(configuration: stream.kafka).createTopics([scratch], partitions: stream.partitions)
        let kcatWrite = try await ceiling.write(count: published.count, bytes: bytes, to: scratch)
        let ceilingRate = Double(input.count) / (kcatReadTogether.seconds + kcatWrite.seconds)
        let sequentialCeilingRate = Double(input.count) / (kcatRead.seconds + kcatWrite.seconds)
        ratios.append(.init(name: "stream / broker ceiling (start-up and join excluded)", value: steadyRate / ceilingRate, unit: "ratio"))
        ratios.append(.init(name: "stream / broker ceiling (spawn to exit)", value: streamRate / ceilingRate, unit: "ratio"))
        ratios.append(.init(name: "stream / sequential-kcat ceiling (join excluded; the earlier runs' measure)", value: steadyRate / sequentialCeilingRate, unit: "ratio"))
        figures.add("broker ceiling: input / (kcat reading the inputs at once s + kcat write s)", ceilingRate, "records/s")
        figures.add("kcat reading the inputs at once, fetch.max.bytes 50 MiB (\(input.count) records)", kcatReadTogether.seconds, "s")
        figures.add("sequential-kcat ceiling: input / (kcat -C per input, one after the other s + kcat write s)", sequentialCeilingRate, "records/s")
        figures.add("kcat -C reading each input in turn, spawn to exit", kcatRead.seconds, "s")
        figures.add("kcat write of \(published.count) records of \(bytes) bytes", kcatWrite.seconds, "s")
        let commandMicros = RedisCost.commandMicros(from: redisBefore, to: redisAfter)
        figures.add("Redis CPU per input record, INFO commandstats (client commands)", commandMicros / Double(input.count), "µs")
        figures.add("Redis CPU per input record, process CPU (commands, network, append-only file)",
                    (redisAfter.cpuSeconds - redisBefore.cpuSeconds) * 1_000_000 / Double(input.count), "µs")
        figures.add("stream path, spawn to exit", streamRate, "records/s")
        figures.add("stream path, spawn to exit on empty topics (start-up, join)", overhead, "s")
        figures.add("stream path, start-up and join excluded", steadyRate, "records/s")
        var memory: [PathsReport.Row] = [.init(name: "peak memory (VmHWM), stream child, \(input.count) records", value: Double(streamRun.peakKiB) / 1024, unit: "MiB")]

        if !skipLegacy {
            let database = try await scope.makeDatabase("legacy")
            let legacy = scope.configuration("l", database: database)
            try await KafkaAdmin(configuration: legacy.kafka).createTopics(legacy.topics.all, partitions: legacy.partitions)
            let legacyContacts = max(1, sizes.contacts * sizes.legacyEvents / max(1, sizes.events))
            let producer = try KafkaProducer(configuration: legacy.kafka)
            let legacyInput = try BenchTopics.generated(WorkloadGenerator(contacts: legacyContacts, events: sizes.legacyEvents, seed: seed),
                                                        topics: legacy.topics)
            try await WorkloadProducer.send(legacyInput, with: producer)
            await producer.close()
            say("legacy path over \(legacyInput.count) records")
            let legacyRun = try await ChildProcess(bridge, ["run", "--legacy", "--exit-when-idle", "--no-http"],
                                                   environment: scope.environment(for: legacy)).run()
            let legacyRate = Double(legacyInput.count) / legacyRun.seconds
            ratios.append(.init(name: "stream / legacy (spawn to exit)", value: streamRate / legacyRate, unit: "ratio"))
            figures.add("legacy path, spawn to exit (\(legacyInput.count) records, \(legacyContacts) contacts)", legacyRate, "records/s")
            memory.append(.init(name: "peak memory (VmHWM), legacy child, \(legacyInput.count) records", value: Double(legacyRun.peakKiB) / 1024, unit: "MiB"))
        }

        if !skipHistory {
            let database = try await scope.makeDatabase("history")
            let points = try await HistoryBench(configuration: scope.configuration("h", database: database), contacts: sizes.contacts,
                                                sizes: sizes.historySizes, batchEvents: sizes.historyBatch,
                                                legacyBatchRecords: sizes.legacyHistoryBatch, seed: seed &+ 100, logger: logger,
                                                progress: say).run()
            for p in points {
                ratios.append(.init(name: "stream / legacy after \(p.historyEvents) events of history", value: p.streamRate / p.legacyRate, unit: "ratio"))
                figures.add("stream, batch of \(p.streamRecords) records after \(p.historyEvents) events", p.streamRate, "records/s")
                figures.add("legacy, \(p.legacyRecords) records of that batch after \(p.historyEvents) events", p.legacyRate, "records/s")
            }
        }

        if !skipLatency {
            let latency = try await LatencyBench(scope: scope, configuration: scope.configuration("t"), contacts: sizes.contacts,
                                                 rate: steadyRate / 2, seconds: sizes.latencySeconds, seed: seed &+ 200,
                                                 progress: say).run()
            for (label, q) in [("p50", 0.5), ("p99", 0.99), ("p99.9", 0.999)] {
                figures.add("end-to-end latency \(label) at \(Int(latency.rate)) records/s", Double(LatencyMatcher.quantile(q, of: latency.latencies)), "ms")
            }
            memory.append(.init(name: "peak memory (VmHWM), stream child, \(latency.records) records over \(sizes.latencySeconds) s", value: Double(latency.peakKiB) / 1024, unit: "MiB"))
            report.notes.append("Latency: \(latency.latencies.count) counted events matched, \(latency.unmatched) without a published row when the run stopped.")
            let cpu = latency.cpu
            report.notes.append(String(format: "CPU during the latency load, in cores of %d: machine %.2f = stream child %.2f + bench producer %.2f + the rest (broker, Redis, kernel) %.2f.",
                                       cpu.available, cpu.machine, cpu.child, cpu.bench, cpu.rest))
        }

        if !skipCompare {
            var environment = scope.environment(for: scope.configuration("c"))
            environment["BRIDGE_POSTGRES_URL"] = scope.base.postgresURL   // it creates and drops its own database
            for contacts in sizes.compareContacts {
                say("comparison round at \(contacts) contacts (bench compare)")
                // `bench compare` is another command with its own failure modes: its failure
                // is reported with the figures rather than discarding everything measured so far.
                let outcome: CompareRounds.Outcome
                do {
                    outcome = try await CompareRounds(environment: environment, rounds: compareRounds).run(contacts: contacts)
                } catch {
                    report.notes.append("Comparison round at \(contacts) contacts failed: \(String(describing: error).prefix(300))")
                    continue
                }
                let caveat = (outcome.allClean ? "" : " (NOT clean)") + (outcome.allChecksummed ? "" : " (some fell back to full reads)")
                figures.add("comparison round (checksummed), \(contacts) contacts, best of \(compareRounds)\(caveat)", outcome.bestSeconds, "s")
                if let verifying = outcome.verifyingSeconds {
                    figures.add("verifying comparison round (stream sums recomputed from its rows), \(contacts) contacts", verifying, "s")
                }
                memory.append(.init(name: "peak memory (VmHWM), bench compare child, \(contacts) contacts", value: Double(outcome.peakKiB) / 1024, unit: "MiB"))
            }
        }

        report.rows = ratios + figures.rows + memory
        report.notes.insert(contentsOf: [
            "Workloads: stream \(input.count) records (\(sizes.events) events, \(sizes.contacts) contacts, seed \(seed), 1% malformed); "
                + "legacy a smaller workload of the same shape (\(sizes.legacyEvents) events); history batches of \(sizes.historyBatch) events "
                + "(legacy: the first \(sizes.legacyHistoryBatch) records of each), no malformed records.",
        ], at: 0)
        return report
    }
}
