import ArgumentParser
import BridgeSupport
import Foundation
import KafkaClient

struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create the contract's topics if missing (idempotent), or with --check report those that differ from what is asked.",
        discussion: """
            Existing topics are never changed. The two input topics must have the same number of \
            partitions (both are partitioned by contact_id); otherwise the command fails with one \
            line. Exit 1 with --check when any topic is missing or differs.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Partitions of each created topic (default: BRIDGE_PARTITIONS or 4).")
    var partitions: Int?

    @Option(name: .customLong("replication-factor"),
            help: "Replicas of each partition of a created topic (default: BRIDGE_REPLICATION_FACTOR or 1; 3 on a production cluster).")
    var replicationFactor: Int?

    @Option(name: .customLong("config"), parsing: .singleValue,
            help: ArgumentHelp("A topic setting, repeatable: name=value for every topic, or topic:name=value for one (topic without the prefix), e.g. contact-summary:cleanup.policy=compact. Added to BRIDGE_TOPIC_CONFIG, overriding the same setting.",
                               valueName: "[topic:]name=value"))
    var configs: [String] = []

    @Flag(help: "Create nothing: compare each topic's partitions, replication factor and the settings asked with what the broker has.")
    var check = false

    func validate() throws {
        if let partitions, !(1...1024).contains(partitions) { throw ValidationError("--partitions must be within 1...1024") }
        if let replicationFactor, !(1...32_767).contains(replicationFactor) { throw ValidationError("--replication-factor must be within 1...32767") }
        for config in configs { _ = try TopicConfig(parsing: config, source: "--config") }
    }

    func run() async throws {
        var config = try connection.configuration()
        if let partitions { config.partitions = partitions }
        if let replicationFactor { config.replicationFactor = replicationFactor }
        config.topicConfigs += try configs.map { try TopicConfig(parsing: $0, source: "--config") }
        let provisioner = TopicProvisioner(admin: try KafkaAdmin(configuration: config.kafka), configuration: config)
        if check { try await report(provisioner) } else { try await create(provisioner) }
    }

    private func create(_ provisioner: TopicProvisioner) async throws {
        // Inputs that are not co-partitioned stop here, with one line, like any other error.
        for topic in try await provisioner.create() {
            let asked = topic.partitions == provisioner.partitions && topic.replicationFactor == provisioner.replicationFactor
            let note = topic.created || asked ? "" : "; not as asked, see bridge topics --check"
            print("\(topic.created ? "created" : "exists") \(topic.name) (\(topic.partitions) partitions, replication factor \(topic.replicationFactor)\(note))")
        }
    }

    private func report(_ provisioner: TopicProvisioner) async throws {
        let result = try await provisioner.check()
        for finding in result.findings {
            if finding.missing {
                print("missing \(finding.name)")
            } else if finding.ok {
                let settings = provisioner.settings(of: finding.name).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                print("ok      \(finding.name) (\(provisioner.partitions) partitions, replication factor \(provisioner.replicationFactor)\(settings.map { ", " + $0 }.joined()))")
            } else {
                print("differs \(finding.name): \(finding.differences.joined(separator: "; "))")
            }
        }
        if let error = result.notCoPartitioned { print("error   \(error)") }
        if !result.ok { throw ExitCode(1) }
    }
}
