import Foundation

/// The three verdicts the HTTP server gives, each a list of problems (none means yes):
///
/// - health (`/healthz`): the bridge as a whole works: every service answers, and no path of
///   this process is stuck or failing. A service outage makes it unhealthy although the process
///   is built to wait the outage out, so it is for people and alerts, not for restarting.
/// - readiness (`/readyz`): every component of this process is connected and making progress:
///   the services it needs answer, its consumer group has assigned it partitions, and it is
///   neither stuck nor failing. For load balancers and rollouts, which should wait for it.
/// - liveness (`/livez`): the process is alive: it answers (so its event loops and Swift's
///   thread pool run) and each consume loop has come round within the limit. Deliberately
///   blind to the services, so that an orchestrator using it to restart processes never
///   restarts one for an outage that restarting cannot fix.
package struct ProbeRules: Sendable {
    /// A path that applied nothing for this long while behind is stuck; an error younger than
    /// this, with no batch applied since, means it is failing.
    package var stuckAfter: TimeInterval
    /// A consume loop silent for this long hangs (BRIDGE_LIVENESS_SECONDS).
    package var livenessLimit: TimeInterval

    package init(stuckAfter: TimeInterval = 60, livenessLimit: TimeInterval) {
        self.stuckAfter = stuckAfter
        self.livenessLimit = livenessLimit
    }

    /// The two paths; their lag can make them stuck.
    package static let paths = ["legacy", "stream"]

    /// What each component needs to be ready.
    package static let servicesNeeded: [String: [String]] = [
        "legacy": ["postgresql", "kafka"],
        "stream": ["redis", "kafka"],
        "router": ["postgresql", "redis", "kafka"],
        "shadow": ["postgresql", "redis"],
    ]

    package struct ServiceState: Sendable {
        package var service: String
        package var address: String
        package var ok: Bool
        package var detail: String

        package init(service: String, address: String, ok: Bool, detail: String) {
            self.service = service
            self.address = address
            self.ok = ok
            self.detail = detail
        }
    }

    package func health(services: [ServiceState], lags: [String: Int64], activity: [PathActivity.Snapshot], now: Date) -> [String] {
        var problems = services.filter { !$0.ok }.map { "\($0.service) at \($0.address): \($0.detail)" }
        for here in activity where Self.paths.contains(here.path) {
            problems += progressProblems(here, lag: lags[here.path] ?? 0, now: now)
        }
        return problems
    }

    /// Whether each component of this process is ready, and why not.
    package struct Readiness: Sendable {
        package var components: [String: Bool] = [:]
        package var problems: [String] = []
        package var ready: Bool { problems.isEmpty }

        mutating func add(_ problem: String, blocking names: [String]) {
            problems.append(problem)
            for name in names { components[name] = false }
        }
    }

    /// `components`: what this process runs (`Components.names`).
    package func readiness(components: [String], services: [ServiceState], lags: [String: Int64],
                   activity: [PathActivity.Snapshot], now: Date) -> Readiness {
        var readiness = Readiness(components: Dictionary(uniqueKeysWithValues: components.map { ($0, true) }))
        for service in services where !service.ok {
            let needing = components.filter { Self.servicesNeeded[$0, default: []].contains(service.service) }
            if !needing.isEmpty {
                readiness.add("\(service.service) at \(service.address) (needed by \(needing.joined(separator: ", "))): \(service.detail)",
                              blocking: needing)
            }
        }
        let byName = Dictionary(activity.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for component in components {
            guard let here = byName[component] else {
                readiness.add("\(component) has not started yet", blocking: [component])
                continue
            }
            if here.reports.contains(.assignments) && here.assignedPartitions == nil && here.stoppedAt == nil {
                readiness.add("\(component) is waiting for its consumer group to assign it partitions", blocking: [component])
            }
            for problem in progressProblems(here, lag: lags[component] ?? 0, now: now) {
                readiness.add(problem, blocking: [component])
            }
        }
        return readiness
    }

    package func liveness(activity: [PathActivity.Snapshot], now: Date) -> [String] {
        activity.filter { $0.reports.contains(.polls) && $0.stoppedAt == nil }.compactMap { here in
            let silent = now.timeIntervalSince(here.lastSignOfLifeAt)
            guard silent > livenessLimit else { return nil }
            return "\(here.path) has not come round its loop for \(Int(silent)) s (limit \(Int(livenessLimit)) s, BRIDGE_LIVENESS_SECONDS)"
        }
    }

    /// Stuck (behind, and nothing applied for `stuckAfter`) or failing (an error in the last
    /// `stuckAfter` and no batch applied since: one it has recovered from no longer counts).
    private func progressProblems(_ here: PathActivity.Snapshot, lag: Int64, now: Date) -> [String] {
        var problems: [String] = []
        let quietSince = here.lastBatchAt ?? here.startedAt
        if lag > 0 && now.timeIntervalSince(quietSince) > stuckAfter {
            problems.append("\(here.path) path is stuck: \(lag) records behind and nothing applied for \(Int(now.timeIntervalSince(quietSince))) s")
        }
        if let at = here.lastErrorAt, let error = here.lastError, now.timeIntervalSince(at) < stuckAfter,
           at > (here.lastBatchAt ?? .distantPast) {
            problems.append("\(here.path) \(Self.paths.contains(here.path) ? "path " : "")failed: \(error)")
        }
        return problems
    }
}
