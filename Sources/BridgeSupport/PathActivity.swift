import Foundation
import KafkaClient

/// What each path running in this process last did, for `/healthz` and `/status`: when it
/// last applied a batch, how many records so far, and the last error it saw.
///
/// Process-wide on purpose, like the metrics registry: the paths and the HTTP server are
/// separate services of one `bridge run`, and neither should need the other to be built first.
public final class PathActivity: @unchecked Sendable {
    public static let shared = PathActivity()

    public struct Snapshot: Sendable {
        public var path: String
        public var startedAt: Date
        public var lastBatchAt: Date?
        public var records: Int
        public var batches: Int
        public var lastError: String?
        public var lastErrorAt: Date?
    }

    private let lock = NSLock()
    private var paths: [String: Snapshot] = [:]

    public func started(_ path: String) {
        lock.withLock { paths[path] = Snapshot(path: path, startedAt: Date(), records: 0, batches: 0) }
    }

    public func applied(_ path: String, records: Int) {
        lock.withLock {
            paths[path]?.lastBatchAt = Date()
            paths[path]?.records += records
            paths[path]?.batches += 1
        }
    }

    public func failed(_ path: String, _ error: any Error) {
        lock.withLock {
            paths[path]?.lastError = "\(error)"
            paths[path]?.lastErrorAt = Date()
        }
    }

    public var snapshots: [Snapshot] { lock.withLock { paths.values.sorted { $0.path < $1.path } } }
}
