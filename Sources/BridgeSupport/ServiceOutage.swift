import Foundation
import Logging
import PostgresClient
import ServiceLifecycle
import ServiceSupport

/// Waiting out a service that is briefly unreachable (PostgreSQL restarting, Redis failing
/// over), instead of letting the component fail and take `bridge run` down with it.
///
/// Why: a long-running `bridge run` used to exit non-zero on the first connection error, so a
/// routine PostgreSQL restart stopped both paths, the router and the comparator until someone
/// (or a supervisor) restarted the process. Every step retried here is safe to repeat: a path's
/// batch is applied exactly once whatever how many times it is offered (the stores record what
/// they applied), and the router forwards a record again rather than losing it.
public enum ServiceOutage {
    /// The first wait, and the longest: doubling from one to the other, so an outage costs at
    /// most one probe every `maxDelay`, and a blip is retried almost at once.
    public static let firstDelay: Duration = .milliseconds(200)
    public static let maxDelay: Duration = .seconds(5)

    /// Whether the error means "the service is not reachable right now" rather than "this
    /// request is wrong": unreachable (connect refused, reset, timed out), or PostgreSQL
    /// shutting down or starting up (SQLSTATE class 08, 57P01-57P03).
    public static func isTransient(_ error: any Error) -> Bool {
        if error is ServiceUnavailable { return true }
        if let error = error as? PostgresError {
            return error.isConnectionFailure || ["57P02", "57P03"].contains(error.sqlState ?? "")
        }
        return false
    }

    /// Runs `body` until it succeeds. A transient error is logged as a warning and recorded as
    /// `component`'s last error (so /healthz and /status show it), then `body` runs again after
    /// a doubling, capped delay; other errors are thrown at once. A graceful shutdown or a
    /// cancellation ends the wait by throwing the last error: the step was not done.
    public static func retrying<T>(_ component: String, logger: Logger, _ body: () async throws -> T) async throws -> T {
        var delay = firstDelay
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch where isTransient(error) {
                PathActivity.shared.failed(component, error)
                logger.warning("\(component): \(error); waiting for the service to come back",
                               metadata: ["attempt": "\(attempt)", "retry_in_ms": "\(delay.inMilliseconds)"])
                let wait = delay
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
                if Task.isShuttingDownGracefully || Task.isCancelled { throw error }
                delay = min(delay * 2, maxDelay)
                attempt += 1
            }
        }
    }
}
