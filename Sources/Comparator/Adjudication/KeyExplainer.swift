import BridgeModel
import BridgeSupport
import KafkaClient
import LegacySQL
import PostgresClient
import RedisClient
import StreamAgg

/// `bridge explain`: one key's verdict with everything it rests on: both stored rows (each read
/// together with the offsets it reflects), the key's input records and their fold.
package struct KeyExplainer: Sendable {
    package let postgres: PostgresClient
    package let redis: RedisClient
    package let adjudicator: Adjudicator

    package init(postgres: PostgresClient, redis: RedisClient, adjudicator: Adjudicator) {
        self.postgres = postgres
        self.redis = redis
        self.adjudicator = adjudicator
    }

    package func explain(_ key: ContestedKey.Key) async throws -> Explanation {
        let contested = try await contestedKey(key)
        let list: (InputRecord?, [UInt8]?) -> Bool
        switch key {
        case .contact(let id):
            let bytes = Array(id.utf8)
            list = { _, recordKey in recordKey == bytes }
        case .campusDay(let day):
            list = { record, _ in
                guard case .event(let event)? = record else { return false }
                return CampusDayKey(campusId: event.campusId, day: event.at.utcDay) == day
            }
        }
        let adjudication = try await adjudicator.judge([contested], list: list)
        return Explanation(judgement: adjudication.judgements[0], records: adjudication.listed, cost: adjudication.cost,
                           topics: adjudicator.topics)
    }

    /// Both stores' rows for the key, each with its applied offsets, and the partitions to read.
    func contestedKey(_ key: ContestedKey.Key) async throws -> ContestedKey {
        let legacyExport = LegacyExport(postgres: postgres)
        let store = StreamStore(redis: redis, prefix: adjudicator.topics.prefix)
        let topics = adjudicator.topics
        switch key {
        case .contact(let id):
            async let legacyRead = legacyExport.contact(id)
            async let streamRead = store.contactAtOffsets(id)
            let (legacy, stream) = try await (legacyRead, streamRead)
            // The partitions the stores know; none known: every partition, filtered by key,
            // which is right whatever partitioner the producers use.
            var partitions = Set(legacy.partitions).union(stream.partitions)
            if partitions.isEmpty { partitions = Set(try await allPartitions(of: topics.inputs)) }
            return ContestedKey(key: key, legacy: legacy.row.map(AggregateRow.contact), stream: stream.row.map(AggregateRow.contact),
                                legacyOffsets: legacy.appliedOffsets, streamOffsets: stream.appliedOffsets, partitions: partitions.sorted())
        case .campusDay(let day):
            async let legacyRead = legacyExport.campusDay(day)
            async let streamRead = store.campusDayAtOffsets(day)
            let (legacy, stream) = try await (legacyRead, streamRead)
            // A campus-day mixes contacts of every partition.
            let known = Set(legacy.appliedOffsets.keys).union(stream.appliedOffsets.keys).filter { $0.topic == topics.messageEvents }
            let partitions = known.union(try await allPartitions(of: [topics.messageEvents]))
            return ContestedKey(key: key, legacy: legacy.row.map(AggregateRow.campusDay), stream: stream.row.map(AggregateRow.campusDay),
                                legacyOffsets: legacy.appliedOffsets, streamOffsets: stream.appliedOffsets, partitions: partitions.sorted())
        }
    }

    private func allPartitions(of topics: [String]) async throws -> [TopicPartition] {
        let admin = try KafkaAdmin(configuration: adjudicator.kafka)
        let counts = try await admin.metadata().topics
        return try topics.flatMap { topic -> [TopicPartition] in
            guard let count = counts[topic] else { throw MissingTopic(topic: topic, brokers: adjudicator.kafka.address) }
            return (0..<Int32(count)).map { TopicPartition(topic, $0) }
        }
    }

    struct MissingTopic: Error, CustomStringConvertible {
        var topic: String
        var brokers: String
        var description: String { "kafka at \(brokers): topic \(topic) does not exist (bridge topics creates it; is BRIDGE_TOPIC_PREFIX right?)" }
    }
}

/// What `bridge explain` prints (`ExplanationReport` renders it).
package struct Explanation: Sendable {
    package var judgement: Judgement
    /// The key's own records, in (topic, partition, offset) order.
    var records: [InputLog.Listed]
    package var cost: JudgingCost
    let topics: TopicNames
}
