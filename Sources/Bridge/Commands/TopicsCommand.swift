import ArgumentParser
import BridgeSupport
import KafkaClient

struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "Create the contract's topics if missing (idempotent).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Partitions of each created topic (default: BRIDGE_PARTITIONS or 4).")
    var partitions: Int?

    func run() async throws {
        let config = try connection.configuration()
        let admin = try KafkaAdmin(configuration: config.kafka)
        let names = config.topics.all
        let created = try await admin.createTopics(names, partitions: partitions ?? config.partitions)
        let existing = try await admin.metadata().topics
        for name in names {
            let state = created.contains(name) ? "created" : "exists"
            print("\(state) \(name) (\(existing[name] ?? 0) partitions)")
        }
    }
}
