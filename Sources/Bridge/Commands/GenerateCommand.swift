import ArgumentParser
import BridgeSupport
import Foundation
import KafkaClient
import Workload

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
        try await WorkloadProducer(producer: producer, topics: config.topics).produce(generator, rate: rate) { sent, total, rate in
            FileHandle.standardError.write(Data(String(format: "generate: %d/%d records (%.0f records/s)\n", sent, total, rate).utf8))
        }
        await producer.close()
    }
}
