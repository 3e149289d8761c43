import BridgeSupport
import Foundation
import KafkaClient
import Workload

/// The stream path under a steady load: a `bridge run --stream` child on a fresh prefix, fed
/// by a producer paced to `rate` records/s for `seconds`; latency per event as
/// `LatencyMatcher` defines it.
struct LatencyBench {
    struct Outcome {
        var rate: Double
        var records: Int
        var latencies: [Int64]   // sorted, ms
        var unmatched: Int
        var peakKiB: Int
        /// Cores used while the steady load was produced.
        var cpu: CPUShares.Cores
    }

    let scope: BenchScope
    let configuration: BridgeConfiguration
    let contacts: Int
    let rate: Double
    let seconds: Int
    let seed: UInt64
    let progress: @Sendable (String) -> Void

    func run() async throws -> Outcome {
        let config = configuration
        let admin = try KafkaAdmin(configuration: config.kafka)
        try await admin.createTopics(config.topics.all, partitions: config.partitions)
        let generator = WorkloadGenerator(contacts: contacts, events: max(1, Int(rate * Double(seconds))), seed: seed)
        let records = try BenchTopics.generated(generator, topics: config.topics)
        // The generator starts with one CRM record per contact: produced before the child
        // starts, they are its warm-up (group join, first batches), not measured.
        let warmUp = Array(records[..<min(contacts, records.count)])
        let steady = Array(records[warmUp.count...])
        let producer = try KafkaProducer(configuration: config.kafka)
        try await WorkloadProducer.send(warmUp, with: producer)

        let child = try ChildProcess(ChildProcess.bridgeExecutable, ["run", "--stream", "--no-http"],
                                     environment: scope.environment(for: config))
        try child.start()
        var cpu = CPUShares.Cores(machine: 0, bench: 0, child: 0, rest: 0, available: 0)
        do {
            let output = config.topics.contactSummaryStream
            progress("latency: waiting for the stream path to take the warm-up")
            try await waitUntilStable(output, admin: admin, child: child, atLeast: 1, quiet: .seconds(2), limit: .seconds(180))
            progress(String(format: "latency: producing %d records at %.0f records/s", steady.count, rate))
            let before = CPUShares.read(child: child)
            let started = ContinuousClock.now
            try await WorkloadProducer.send(steady, with: producer, rate: rate)
            cpu = CPUShares.cores(from: before, to: CPUShares.read(child: child), seconds: (ContinuousClock.now - started).inSeconds)
            try await waitUntilStable(output, admin: admin, child: child, atLeast: 1, quiet: .seconds(3), limit: .seconds(120))
            child.samplePeak()
            child.terminate()
            let exit = try await child.wait(timeout: .seconds(60))
            guard exit.status == 0 else { throw ChildProcess.Failed(command: child.command, status: exit.status, stderr: exit.stderr) }
        } catch {
            child.terminate()
            _ = try? await child.wait(timeout: .seconds(30))
            await producer.close()
            throw error
        }
        await producer.close()
        let inputs = try await BenchTopics.read([config.topics.messageEvents], configuration: config)
        let outputs = try await BenchTopics.read([config.topics.contactSummaryStream], configuration: config)
        let result = LatencyMatcher(topics: config.topics).latencies(inputs: inputs, outputs: outputs)
        return Outcome(rate: rate, records: steady.count, latencies: result.matched.sorted(), unmatched: result.unmatched,
                       peakKiB: child.peakKiB, cpu: cpu)
    }

    /// Waits until the output topic has at least `atLeast` records and has not grown for
    /// `quiet`; fails if the child exits or `limit` passes.
    private func waitUntilStable(_ topic: String, admin: KafkaAdmin, child: ChildProcess, atLeast: Int64,
                                 quiet: Duration, limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        var last: Int64 = -1
        var since = ContinuousClock.now
        while ContinuousClock.now < deadline {
            child.samplePeak()
            guard child.isRunning else {
                throw ChildProcess.Failed(command: child.command, status: -1, stderr: "exited while waiting for \(topic)")
            }
            let now = try await BenchTopics.highWatermarkSum(topic, admin: admin)
            if now != last { last = now; since = ContinuousClock.now }
            if now >= atLeast && ContinuousClock.now - since >= quiet { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw ChildProcess.Failed(command: child.command, status: -1, stderr: "output \(topic) did not settle within \(limit)")
    }
}
