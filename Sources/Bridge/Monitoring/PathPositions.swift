import BridgeSupport
import KafkaClient
import LegacySQL
import StreamAgg

/// How far each path has got: the input partitions' end offsets from the broker, and the next
/// offset each path's own store records as applied. Read from the stores rather than from this
/// process, so a path running in another process is seen too.
struct PathPositions: Sendable {
    let connections: ServiceConnections

    struct Progress: Sendable {
        var ends: [TopicPartition: Int64]
        var applied: [TopicPartition: Int64]

        /// End minus applied per input partition (a partition the store has no record of has
        /// applied nothing); never negative.
        var lag: [TopicPartition: Int64] {
            Dictionary(uniqueKeysWithValues: ends.map { tp, end in (tp, max(0, end - (applied[tp] ?? 0))) })
        }

        var totalLag: Int64 { lag.values.reduce(0, +) }
    }

    /// The high watermark of every input partition: one metadata request for both inputs (it
    /// lists every topic of the cluster, so it is not free), then their watermarks.
    func endOffsets() async throws -> [TopicPartition: Int64] {
        let admin = try await connections.kafkaAdmin()
        let counts = try await admin.metadata(timeout: .seconds(3)).topics
        let partitions = connections.configuration.topics.inputs.flatMap { topic in
            (0..<Int32(counts[topic] ?? 0)).map { TopicPartition(topic, $0) }
        }
        return try await admin.watermarks(partitions, timeout: .seconds(3)).mapValues(\.high)
    }

    /// The next offset per input partition that `path`'s store records as applied.
    ///
    /// The stream path's store is read through `StreamStore`: the only place monitoring reaches
    /// into the stream path.
    func applied(_ path: String) async throws -> [TopicPartition: Int64] {
        switch path {
        case "legacy":
            return try await LegacyExport(postgres: try await connections.postgresClient()).appliedOffsets()
        case "stream":
            return try await StreamStore(redis: try await connections.redisClient(),
                                         prefix: connections.configuration.topicPrefix).appliedOffsets()
        default:
            return [:]
        }
    }

    /// Both paths' progress against one reading of the end offsets; a path whose store cannot
    /// be read is left out.
    func progress() async throws -> [String: Progress] {
        let ends = try await endOffsets()
        var result: [String: Progress] = [:]
        for path in ProbeRules.paths {
            if let applied = try? await applied(path) { result[path] = Progress(ends: ends, applied: applied) }
        }
        return result
    }
}
