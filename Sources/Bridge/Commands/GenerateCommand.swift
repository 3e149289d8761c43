import ArgumentParser
import BridgeModel
import BridgeSupport
import Foundation
import ServiceSupport
import KafkaClient

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Produce a realistic synthetic workload to the input topics.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Number of contacts.") var contacts: Int
    @Option(help: "Number of message events.") var events: Int
    @Option(help: "Seed: the same seed gives the same records.") var seed: UInt64 = 42
    @Option(help: "Records per second (default: as fast as the broker takes them).") var rate: Double?
    @Option(name: .customLong("invalid-share"), help: "Share of malformed records, 0...1.") var invalidShare: Double = 0.01

    func validate() throws {
        guard contacts > 0 else { throw ValidationError("--contacts must be positive") }
        guard events >= 0 else { throw ValidationError("--events must not be negative") }
        guard (0...1).contains(invalidShare) else { throw ValidationError("--invalid-share must be within 0...1") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
    }

    func run() async throws {
        let config = try connection.configuration()
        let producer = try KafkaProducer(configuration: config.kafka)
        let generator = WorkloadGenerator(contacts: contacts, events: events, seed: seed, invalidShare: invalidShare)
        let topics = config.topics
        var chunk: [OutgoingRecord] = []
        let chunkSize = rate.map { max(1, min(5000, Int($0 / 10))) } ?? 5000
        var sent = 0
        let start = ContinuousClock.now
        var lastReport = start
        var all: [OutgoingRecord] = []
        try generator.generate { record in
            all.append(OutgoingRecord(topic: topics.name(of: record.topic), key: record.key, value: record.value))
        }
        for record in all {
            chunk.append(record)
            if chunk.count >= chunkSize {
                try await producer.send(chunk)
                sent += chunk.count
                chunk.removeAll(keepingCapacity: true)
                if let rate {
                    // Pace to the requested rate: sleep until this many records are due.
                    let due = start + .milliseconds(Int(Double(sent) / rate * 1000))
                    if due > ContinuousClock.now { try await Task.sleep(until: due) }
                }
                if ContinuousClock.now - lastReport >= .seconds(1) {
                    lastReport = ContinuousClock.now
                    report(sent, of: all.count, since: start)
                }
            }
        }
        try await producer.send(chunk)
        sent += chunk.count
        report(sent, of: all.count, since: start)
        await producer.close()
    }

    private func report(_ sent: Int, of total: Int, since start: ContinuousClock.Instant) {
        let seconds = (ContinuousClock.now - start).inSeconds
        let rate = seconds > 0 ? Double(sent) / seconds : 0
        FileHandle.standardError.write(Data(String(format: "generate: %d/%d records (%.0f records/s)\n", sent, total, rate).utf8))
    }
}
