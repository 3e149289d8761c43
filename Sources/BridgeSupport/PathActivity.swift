import Foundation
import KafkaClient

/// What each component running in this process last did, for `/healthz`, `/readyz`, `/livez`,
/// `/status` and the demo's progress line: when it last applied a batch, how many records so
/// far, the last error it saw, whether its consumer group has given it partitions, and when it
/// last showed a sign of life.
///
/// The components are the two paths ("legacy", "stream"), the serving router ("router") and the
/// shadow comparator ("shadow"). Each reports `started` once, `applied` after each batch is
/// durable (a round, for the comparator), `failed` for each error (including every attempt
/// while it waits out an outage) and `stopped` when its loop has ended. A consume loop that
/// also reports `polled` each time round its loop and `assigned`/`revoked` from its rebalance
/// callback says so when it starts (`reporting: [.polls, .assignments]`, as `InputLoop` and the
/// router do): only then do /livez judge its silence and /readyz wait for its assignment, so
/// a component that reports less is never judged by what it does not report.
///
/// Process-wide on purpose, like the metrics registry: the paths and the HTTP server are
/// separate services of one `bridge run`, and neither should need the other to be built first.
package final class PathActivity: @unchecked Sendable {
    package static let shared = PathActivity()

    package struct Snapshot: Sendable {
        package var path: String
        package var startedAt: Date
        package var lastBatchAt: Date?
        package var records: Int
        package var batches: Int
        package var lastError: String?
        package var lastErrorAt: Date?
        /// What it promised to report beyond batches and errors.
        package var reports: Reports
        /// The last time it reported anything at all (`startedAt` at first).
        package var lastSignOfLifeAt: Date
        /// Partitions its consumer group assigned it (0 is a valid answer when the group has
        /// more members than partitions); nil before the first assignment and after a revoke.
        package var assignedPartitions: Int?
        /// When its loop ended (it reports nothing after that).
        package var stoppedAt: Date?
    }

    /// Reports a component promises when it starts.
    package struct Reports: OptionSet, Sendable {
        package let rawValue: Int
        package init(rawValue: Int) { self.rawValue = rawValue }
        /// `polled` every time round its loop, so that a long silence means it hangs (/livez).
        /// Not for a component that sleeps between steps, like the comparator.
        package static let polls = Reports(rawValue: 1)
        /// `assigned` and `revoked` from its consumer's rebalance callback (/readyz).
        package static let assignments = Reports(rawValue: 2)
    }

    private let lock = NSLock()
    private var paths: [String: Snapshot] = [:]

    /// `shared` is the process's; a separate one is for tests of the rules that read it.
    package init() {}

    package func started(_ path: String, reporting reports: Reports = []) {
        let now = Date()
        lock.withLock {
            paths[path] = Snapshot(path: path, startedAt: now, records: 0, batches: 0, reports: reports, lastSignOfLifeAt: now)
        }
    }

    /// The loop came round (asked for more input), whether or not there was any.
    package func polled(_ path: String) {
        update(path) { _ in }
    }

    package func assigned(_ path: String, partitions: Int) {
        update(path) { $0.assignedPartitions = partitions }
    }

    package func revoked(_ path: String) {
        update(path) { $0.assignedPartitions = nil }
    }

    package func stopped(_ path: String) {
        update(path) { $0.stoppedAt = $0.lastSignOfLifeAt }
    }

    /// `assigned` or `revoked`, from a consumer's rebalance callback.
    package func rebalanced(_ path: String, _ event: RebalanceEvent) {
        if event.kind == .assigned { assigned(path, partitions: event.partitions.count) } else { revoked(path) }
    }

    package func applied(_ path: String, records: Int) {
        update(path) {
            $0.lastBatchAt = $0.lastSignOfLifeAt
            $0.records += records
            $0.batches += 1
        }
    }

    package func failed(_ path: String, _ error: any Error) {
        update(path) {
            $0.lastError = "\(error)"
            $0.lastErrorAt = $0.lastSignOfLifeAt
        }
    }

    package var snapshots: [Snapshot] { lock.withLock { paths.values.sorted { $0.path < $1.path } } }

    package func snapshot(of path: String) -> Snapshot? { lock.withLock { paths[path] } }

    /// Every report is a sign of life; components that never called `started` are ignored.
    private func update(_ path: String, _ change: (inout Snapshot) -> Void) {
        let now = Date()
        lock.withLock {
            guard paths[path] != nil else { return }
            paths[path]!.lastSignOfLifeAt = now
            change(&paths[path]!)
        }
    }
}
