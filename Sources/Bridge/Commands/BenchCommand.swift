import ArgumentParser
import BridgeBench
import BridgeSupport
import Foundation
import Logging

/// `bridge bench`: the command line of the benchmarks in BridgeBench. Each subcommand parses
/// its options, builds the benchmark, runs it on the configured services and prints what it
/// measured.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks on the configured services.",
        subcommands: [ClientsBench.self, CompareBench.self, PathsBench.self, ScaleBench.self])
}

/// `ClientsBenchmark`: the C clients alone, next to kcat.
struct ClientsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients", abstract: "Produce/consume records/s next to kcat, Redis pipelined ops/s, PostgreSQL bulk rows/s.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Records to produce and consume.") var records = 200_000
    @Option(name: .customLong("value-bytes"), help: "Size of each record's value.") var valueBytes = 200
    @Option(help: "kcat executable (default: .bridge/bin/kcat, which uses the project's librdkafka).") var kcat = ".bridge/bin/kcat"

    func run() async throws {
        let config = try connection.configuration()
        try await ClientsBenchmark(records: records, valueBytes: valueBytes, kcat: kcat).run(on: config)
    }
}

/// `CompareBenchmark`: shadow comparison rounds at a given size.
struct CompareBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Time shadow comparison rounds over N contacts (stores filled on a private database and prefix).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Contacts in the stores.") var contacts = 100_000
    @Option(help: "Message events in the workload.") var events = 100_000
    @Option(help: "Rounds to time (checksummed with the stream's maintained sums when the stores agree on their offsets).") var rounds = 3
    @Option(name: .customLong("verify-rounds"), help: "Verifying rounds to time after them (the stream's sums recomputed from its rows).")
    var verifyRounds = 1

    func run() async throws {
        Logs.bootstrap(defaultLevel: .warning)
        let config = try connection.configuration()
        let benchmark = CompareBenchmark(contacts: contacts, events: events, rounds: rounds, verifyRounds: verifyRounds)
        try await benchmark.run(on: config) { config in
            try await Components(stream: true, exitWhenIdle: true).serviceGroup(configuration: config, logger: Logger(label: "bench")).run()
        }
    }
}

/// `PathsBenchmark`: the paths against each other and against the broker's ceiling.
struct PathsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths",
        abstract: "Stream path vs legacy path vs the broker's ceiling: throughput, history sizes, latency, comparison round, memory.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Message events of the stream path's workload.") var events = 300_000
    @Option(help: "Contacts of the workloads (the legacy one is scaled down to the same events per contact).") var contacts = 20_000
    @Option(name: .customLong("legacy-events"), help: "Message events of the legacy path's smaller workload of the same shape.")
    var legacyEvents = 20_000
    @Option(name: .customLong("history-sizes"), help: "Events already applied before each measured batch, comma-separated.")
    var historySizes = "20000,200000,1000000"
    @Option(name: .customLong("history-batch"), help: "Message events in each measured batch.") var historyBatch = 10_000
    @Option(name: .customLong("legacy-history-batch"), help: "Records of that batch the legacy path processes.")
    var legacyHistoryBatch = 2_000
    @Option(name: .customLong("latency-seconds"), help: "Seconds of steady load for the latency measurement.") var latencySeconds = 60
    @Option(name: .customLong("compare-contacts"), help: "Sizes of the comparison round, comma-separated.")
    var compareContacts = "100000,1000000"
    @Option(name: .customLong("compare-rounds"), help: "Rounds per size.") var compareRounds = 2
    @Option(help: "kcat executable (default: .bridge/bin/kcat, which uses the project's librdkafka).") var kcat = ".bridge/bin/kcat"
    @Option(help: "Seed of the generated workloads.") var seed: UInt64 = 6
    @Flag(help: "Smoke run: small sizes, 10 s of latency, one small comparison.") var quick = false
    @Flag(name: .customLong("skip-legacy")) var skipLegacy = false
    @Flag(name: .customLong("skip-history")) var skipHistory = false
    @Flag(name: .customLong("skip-latency")) var skipLatency = false
    @Flag(name: .customLong("skip-compare")) var skipCompare = false
    @Flag(name: .customLong("write-docs"), help: "Replace the marked section of --docs with the table.") var writeDocs = false
    @Option(help: "The document --write-docs rewrites.") var docs = "docs/benchmarks.md"

    /// The sizes in effect (`--quick` replaces the defaults).
    func sizes() throws -> PathsBenchmark.Sizes {
        func list(_ text: String) throws -> [Int] {
            let values = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else { throw ValidationError("not a list of positive integers: \(text)") }
            return values
        }
        if quick { return .quick }
        return PathsBenchmark.Sizes(events: events, contacts: contacts, legacyEvents: legacyEvents, historySizes: try list(historySizes),
                                    historyBatch: historyBatch, legacyHistoryBatch: legacyHistoryBatch, latencySeconds: latencySeconds,
                                    compareContacts: try list(compareContacts))
    }

    func run() async throws {
        Logs.bootstrap(defaultLevel: .warning)
        var benchmark = PathsBenchmark(sizes: try sizes(), compareRounds: compareRounds, kcat: kcat, seed: seed)
        (benchmark.skipLegacy, benchmark.skipHistory, benchmark.skipLatency, benchmark.skipCompare) = (skipLegacy, skipHistory, skipLatency, skipCompare)
        let base = try connection.configuration()
        let machine = await MachineDescription.collect(base, kcat: kcat)
        let started = Date()
        let report = try await benchmark.run(on: base)
        print(report.table)
        print("")
        report.notes.forEach { print("- \($0)") }
        if writeDocs {
            let command = CommandLine.arguments.joined(separator: " ")
            try PathsReport.write(report.section(machine: machine, command: command, date: started), into: docs)
            print("\nwrote \(docs)")
        }
    }
}

/// `ScaleBenchmark`: the stream path on one Redis and on a Redis Cluster, with several instances.
struct ScaleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Stream path throughput on one Redis vs a Redis Cluster, with 1, 2 and 3 instances.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Message events of the workload.") var events = 200_000
    @Option(help: "Contacts of the workload.") var contacts = 20_000
    @Option(name: .customLong("cluster-url"), help: "Seed list of the Redis Cluster (default: the test cluster of scripts/services).")
    var clusterURL = "redis://127.0.0.1:17000,127.0.0.1:17001,127.0.0.1:17002"
    @Option(help: "Instance counts to run, comma-separated.") var instances = "1,2,3"
    @Option(help: "Partitions of the input topics (instances share them).") var partitions = 12
    @Option(help: "Seed of the generated workload.") var seed: UInt64 = 9

    func run() async throws {
        Logs.bootstrap(defaultLevel: .warning)
        let base = try connection.configuration()
        let counts = instances.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        let benchmark = ScaleBenchmark(events: events, contacts: contacts, clusterURL: clusterURL, instances: counts,
                                       partitions: partitions, seed: seed)
        print(try await benchmark.run(on: base).joined(separator: "\n"))
    }
}
