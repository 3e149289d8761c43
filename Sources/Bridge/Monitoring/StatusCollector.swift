import BridgeSupport
import Comparator
import Foundation
import KafkaClient
import LegacySQL
import PostgresClient
import RedisClient
import Rollout
import StreamAgg

/// Builds a `StatusSnapshot` from the services themselves: each path's applied offsets from its
/// own store (so a path running in another process shows up too), the inputs' end offsets from
/// the broker, the rollout and recent comparison rounds from PostgreSQL.
struct StatusCollector: Sendable {
    let configuration: BridgeConfiguration
    /// A path that applied nothing for this long while behind is reported as stuck.
    var stuckAfter: TimeInterval = 60

    func collect() async -> StatusSnapshot {
        let services = await ServiceProbe(configuration: configuration).probeAll()
        var problems = services.filter { !$0.ok }.map { "\($0.service) at \($0.address): \($0.detail)" }
        let up = Dictionary(uniqueKeysWithValues: services.map { ($0.service, $0.ok) })

        let postgres = up["postgresql"] == true ? try? await PostgresClient(url: configuration.postgresURL) : nil
        defer { postgres?.close() }
        let redis = up["redis"] == true
            ? try? await RedisClient(configuration: try RedisConfiguration(url: configuration.redisURL, timeoutSeconds: 3, reconnectAttempts: 0))
            : nil
        defer { redis?.close() }

        let ends = up["kafka"] == true ? (try? await endOffsets()) ?? [:] : [:]
        var applied: [String: [TopicPartition: Int64]] = [:]
        if let postgres { applied["legacy"] = try? await LegacyExport(postgres: postgres).appliedOffsets() }
        if let redis { applied["stream"] = try? await StreamStore(redis: redis, prefix: configuration.topicPrefix).appliedOffsets() }

        let activity = Dictionary(uniqueKeysWithValues: PathActivity.shared.snapshots.map { ($0.path, $0) })
        var paths: [StatusSnapshot.Path] = []
        for name in ["legacy", "stream"] {
            let offsets = applied[name] ?? [:]
            let partitions = ends.keys.sorted().map { tp in
                let end = ends[tp] ?? 0
                return StatusSnapshot.PartitionProgress(partition: tp.description, applied: offsets[tp], end: end,
                                                        lag: max(0, end - (offsets[tp] ?? 0)))
            }
            let lag = partitions.reduce(0) { $0 + $1.lag }
            let here = activity[name]
            paths.append(.init(path: name, runningHere: here != nil, records: here?.records, lastBatchAt: here?.lastBatchAt,
                               lastError: here?.lastError, lagTotal: lag, partitions: partitions))
            if let here {
                let quietSince = here.lastBatchAt ?? here.startedAt
                if lag > 0 && Date().timeIntervalSince(quietSince) > stuckAfter {
                    problems.append("\(name) path is stuck: \(lag) records behind and nothing applied for \(Int(Date().timeIntervalSince(quietSince))) s")
                }
                // An error the path has since recovered from (a batch applied after it, e.g. once
                // PostgreSQL was back) no longer makes it unhealthy; /status still shows it.
                if let at = here.lastErrorAt, let error = here.lastError, Date().timeIntervalSince(at) < stuckAfter,
                   at > (here.lastBatchAt ?? .distantPast) {
                    problems.append("\(name) path failed: \(error)")
                }
            }
        }
        var rollout: RolloutStatus?
        var rounds: [StatusSnapshot.Round] = []
        if let postgres {
            if let gate = try? RolloutGate.fromEnvironment() {
                rollout = try? await RolloutStore(postgres: postgres).status(gate: gate)
            }
            rounds = ((try? await RoundStore(postgres: postgres).recent(limit: 20)) ?? []).reversed().map {
                .init(id: $0.id, finishedAt: $0.finishedAt?.iso8601, consistent: $0.consistent, discrepancies: $0.discrepancies,
                      mismatchRate: $0.mismatchRate, legacyLag: $0.legacyLag, streamLag: $0.streamLag)
            }
        }
        return StatusSnapshot(generatedAt: Date(), healthy: problems.isEmpty, problems: problems,
                              configuration: Dictionary(uniqueKeysWithValues: configuration.redactedSummary),
                              services: services.map { .init(service: $0.service, address: $0.address, ok: $0.ok, detail: $0.detail,
                                                             latencyMs: $0.latency.map { $0.inSeconds * 1000 }) },
                              paths: paths, rollout: rollout, rounds: rounds)
    }

    private func endOffsets() async throws -> [TopicPartition: Int64] {
        let admin = try KafkaAdmin(configuration: configuration.kafka)
        var partitions: [TopicPartition] = []
        for topic in configuration.topics.inputs { partitions += try await admin.partitions(of: topic) }
        return try await admin.watermarks(partitions, timeout: .seconds(3)).mapValues(\.high)
    }
}
