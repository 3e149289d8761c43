import Foundation
import Logging
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
package enum ServiceOutage {
    /// From 200 ms to one probe every 5 s at most, for as long as the outage lasts.
    package static let policy = RetryPolicy(firstDelay: .milliseconds(200), maxDelay: .seconds(5))

    /// Runs `body` until it succeeds. A transient error (see `ServiceError`: a service
    /// unreachable, restarting, failing over) is logged as a warning and recorded as
    /// `component`'s last error (so /healthz and /status show it), then `body` runs again after
    /// the policy's back-off; other errors are thrown at once. A graceful shutdown or a
    /// cancellation ends the wait by throwing the last error: the step was not done.
    package static func retrying<T>(_ component: String, logger: Logger, _ body: () async throws -> T) async throws -> T {
        try await policy.run(
            onRetry: { retry in
                PathActivity.shared.failed(component, retry.error)
                logger.warning("\(component): \(retry.error); waiting for the service to come back",
                               metadata: ["attempt": "\(retry.attempt)", "retry_in_ms": "\(retry.delay.inMilliseconds)"])
            },
            sleep: { delay in
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                if Task.isShuttingDownGracefully || Task.isCancelled { throw CancellationError() }
            },
            body)
    }
}
