import BridgeSupport
import Comparator
import Foundation
import KafkaClient
import Rollout

/// Builds a `StatusSnapshot` from the services themselves: each path's applied offsets from its
/// own store (so a path running in another process shows up too), the inputs' end offsets from
/// the broker, the rollout and recent comparison rounds from PostgreSQL, and the verdicts of
/// `ProbeRules`.
///
/// All of it through the process's long-lived `ServiceConnections`, never new connections per
/// request, and requests that arrive while a collection is running share it: a burst of
/// scrapes and probes costs the services one round of queries.
actor StatusCollector {
    let connections: ServiceConnections
    /// The components this process runs, whose readiness `/readyz` reports.
    let components: [String]
    let rules: ProbeRules
    private var running: Task<StatusSnapshot, Never>?

    init(connections: ServiceConnections, components: [String], rules: ProbeRules) {
        self.connections = connections
        self.components = components
        self.rules = rules
    }

    func collect() async -> StatusSnapshot {
        if let running { return await running.value }
        let gather = Gathering(connections: connections, components: components, rules: rules)
        let task = Task { await gather.snapshot() }
        running = task
        let snapshot = await task.value
        running = nil
        return snapshot
    }
}

/// One collection, off the actor so that the collector stays free to hand out `running`.
private struct Gathering: Sendable {
    let connections: ServiceConnections
    let components: [String]
    let rules: ProbeRules

    func snapshot() async -> StatusSnapshot {
        let configuration = connections.configuration
        let services = await ServiceProbe(connections: connections).probeAll()
        let up = Dictionary(uniqueKeysWithValues: services.map { ($0.service, $0.ok) })
        let positions = PathPositions(connections: connections)

        let ends = up["kafka"] == true ? (try? await positions.endOffsets()) ?? [:] : [:]
        var applied: [String: [TopicPartition: Int64]] = [:]
        if up["postgresql"] == true { applied["legacy"] = try? await positions.applied("legacy") }
        if up["redis"] == true { applied["stream"] = try? await positions.applied("stream") }

        let activity = PathActivity.shared.snapshots
        let byName = Dictionary(activity.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var paths: [StatusSnapshot.Path] = []
        var lags: [String: Int64] = [:]
        for name in ProbeRules.paths {
            let progress = PathPositions.Progress(ends: ends, applied: applied[name] ?? [:])
            let lag = progress.lag
            let partitions = ends.keys.sorted().map { tp in
                StatusSnapshot.PartitionProgress(partition: tp.description, applied: progress.applied[tp], end: ends[tp] ?? 0,
                                                 lag: lag[tp] ?? 0)
            }
            lags[name] = progress.totalLag
            let here = byName[name]
            paths.append(.init(path: name, runningHere: here != nil, records: here?.records, lastBatchAt: here?.lastBatchAt,
                               lastError: here?.lastError, lagTotal: progress.totalLag, partitions: partitions))
        }

        let now = Date()
        let states = services.map { ProbeRules.ServiceState(service: $0.service, address: $0.address, ok: $0.ok, detail: $0.detail) }
        let problems = rules.health(services: states, lags: lags, activity: activity, now: now)
        let readiness = rules.readiness(components: components, services: states, lags: lags, activity: activity, now: now)

        var rollout: RolloutStatus?
        var rounds: [StatusSnapshot.Round] = []
        var moves: [RolloutMove] = []
        var examples: [RoundStore.DiscrepancyExample] = []
        if up["postgresql"] == true, let postgres = try? await connections.postgresClient() {
            if let gate = try? RolloutGate.fromEnvironment() {
                rollout = try? await RolloutStore(postgres: postgres).status(gate: gate)
            }
            let store = RoundStore(postgres: postgres)
            rounds = ((try? await store.recent(limit: 50)) ?? []).reversed().map {
                .init(id: $0.id, finishedAt: $0.finishedAt?.iso8601, consistent: $0.consistent, discrepancies: $0.discrepancies,
                      mismatchRate: $0.mismatchRate, legacyLag: $0.legacyLag, streamLag: $0.streamLag)
            }
            moves = (try? await RolloutMove.recent(postgres: postgres)) ?? []
            examples = (try? await store.newestDiscrepancies()) ?? []
        }
        return StatusSnapshot(generatedAt: now, healthy: problems.isEmpty, problems: problems,
                              ready: readiness.ready, readinessProblems: readiness.problems, componentsReady: readiness.components,
                              configuration: Dictionary(uniqueKeysWithValues: configuration.redactedSummary),
                              services: services.map { .init(service: $0.service, address: $0.address, ok: $0.ok, detail: $0.detail,
                                                             latencyMs: $0.latency.map { $0.inSeconds * 1000 }) },
                              paths: paths, rollout: rollout, rounds: rounds, rolloutMoves: moves, newestDiscrepancies: examples)
    }
}
