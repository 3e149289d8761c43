import Foundation
import ServiceLifecycle

/// Tells a component that follows the paths (the serving router, the shadow comparator) running
/// with --exit-when-idle in the same process when the paths have finished. Only then is its own
/// "done" final: before, a path in the middle of a long batch has simply not published yet.
package final class UpstreamCompletion: Sendable {
    private let remaining: LockedCount

    package init() { remaining = LockedCount() }

    /// Wraps a path's service so that its return (or failure) counts as finished.
    package func track(_ service: any Service) -> any Service {
        remaining.add(1)
        return Tracked(inner: service, completion: self)
    }

    package var allFinished: Bool { remaining.value == 0 }

    fileprivate func finished() { remaining.add(-1) }

    private struct Tracked: Service {
        let inner: any Service
        let completion: UpstreamCompletion

        func run() async throws {
            defer { completion.finished() }
            try await inner.run()
        }
    }
}

/// An integer behind a lock: the count of tracked services still running.
private final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0 // guarded by lock

    func add(_ delta: Int) { lock.withLock { count += delta } }
    var value: Int { lock.withLock { count } }
}
