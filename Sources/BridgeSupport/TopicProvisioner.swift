import KafkaClient

/// Creates the contract's topics as configured (partitions, replication factor, topic
/// settings) and checks existing ones against that: what `bridge topics` and `bridge demo` do.
package struct TopicProvisioner: Sendable {
    package let admin: KafkaAdmin
    package let topics: TopicNames
    package let partitions: Int
    package let replicationFactor: Int
    package let configs: [TopicConfig]

    package init(admin: KafkaAdmin, configuration: BridgeConfiguration) {
        self.admin = admin
        topics = configuration.topics
        partitions = configuration.partitions
        replicationFactor = configuration.replicationFactor
        configs = configuration.topicConfigs
    }

    /// One contract topic as the broker has it.
    package struct Topic: Sendable {
        /// The name with the prefix.
        package var name: String
        package var created: Bool
        package var partitions: Int
        package var replicationFactor: Int
    }

    /// What `--check` found for one topic: nothing (it is as asked), or each difference.
    package struct Finding: Sendable {
        package var name: String
        package var missing: Bool
        package var differences: [String]
        package var ok: Bool { !missing && differences.isEmpty }
    }

    /// The two inputs are partitioned by contact_id and joined per partition, so they must
    /// have the same number of partitions.
    package struct NotCoPartitioned: Error, CustomStringConvertible, Sendable {
        package var counts: [(topic: String, partitions: Int)]
        package var description: String {
            "the input topics must have the same number of partitions (both are partitioned by contact_id): "
                + counts.map { "\($0.topic) has \($0.partitions)" }.joined(separator: ", ")
        }
    }

    /// The settings asked for a topic named with the prefix.
    package func settings(of name: String) -> [String: String] {
        TopicConfig.effective(configs, forTopic: String(name.dropFirst(topics.prefix.count)))
    }

    /// Creates the missing topics; existing ones are left as they are. Then checks that the
    /// inputs are co-partitioned (throws `NotCoPartitioned`), which holds whoever created them.
    package func create() async throws -> [Topic] {
        let names = topics.all
        let created = try await admin.createTopics(names, partitions: partitions, replicationFactor: replicationFactor,
                                                   configs: Dictionary(uniqueKeysWithValues: names.map { ($0, settings(of: $0)) }))
        let info = try await admin.metadata()
        try Self.checkCoPartitioned(info, inputs: topics.inputs)
        return names.map { Topic(name: $0, created: created.contains($0), partitions: info.topics[$0] ?? 0,
                                 replicationFactor: info.replicas[$0] ?? 0) }
    }

    package struct Check: Sendable {
        package var findings: [Finding]
        /// Set when the inputs' partition counts differ.
        package var notCoPartitioned: NotCoPartitioned?
        package var ok: Bool { notCoPartitioned == nil && findings.allSatisfy(\.ok) }
    }

    /// Each topic against what was asked: partitions, replication factor, and the settings
    /// asked for it (settings not asked for are the broker's business); and the inputs'
    /// co-partitioning.
    package func check() async throws -> Check {
        let info = try await admin.metadata()
        let existing = topics.all.filter { info.topics[$0] != nil }
        let described = try await admin.topicConfigs(existing)
        var notCoPartitioned: NotCoPartitioned?
        do { try Self.checkCoPartitioned(info, inputs: topics.inputs) } catch let error as NotCoPartitioned { notCoPartitioned = error }
        let findings = topics.all.map { name in
            guard let count = info.topics[name] else { return Finding(name: name, missing: true, differences: []) }
            var differences: [String] = []
            if count != partitions { differences.append("\(count) partitions (asked \(partitions))") }
            let replicas = info.replicas[name] ?? 0
            if replicas != replicationFactor { differences.append("replication factor \(replicas) (asked \(replicationFactor))") }
            let actual = described[name] ?? [:]
            for (setting, wanted) in settings(of: name).sorted(by: { $0.key < $1.key }) where actual[setting] != wanted {
                differences.append("\(setting)=\(actual[setting] ?? "(not set)") (asked \(wanted))")
            }
            return Finding(name: name, missing: false, differences: differences)
        }
        return Check(findings: findings, notCoPartitioned: notCoPartitioned)
    }

    static func checkCoPartitioned(_ info: KafkaAdmin.ClusterInfo, inputs: [String]) throws {
        let counts = inputs.compactMap { topic in info.topics[topic].map { (topic: topic, partitions: $0) } }
        if Set(counts.map(\.partitions)).count > 1 { throw NotCoPartitioned(counts: counts) }
    }
}
