import Foundation

/// The one way the clients and the paths retry: capped exponential back-off with jitter.
///
/// The wait after the n-th failed attempt is drawn from [d/2, d], where
/// d = min(firstDelay · 2^(n-1), maxDelay). Doubling keeps a long outage down to one probe per
/// `maxDelay`, while a blip is retried almost at once; the jitter keeps the many connections
/// and instances that lost the same server from reconnecting in lockstep; the lower half bound
/// keeps a retry from ever becoming a hot loop.
///
/// Only errors that `retryingIf` accepts are retried (by default the transient ones, see
/// `ServiceError`); any other error is thrown at once. When the attempts run out, the last
/// error is thrown.
package struct RetryPolicy: Sendable {
    package var firstDelay: Duration
    package var maxDelay: Duration
    /// Attempts in all, the first included; nil retries until success, a permanent error, or
    /// (for `run`) the wait being interrupted.
    package var maxAttempts: Int?

    package init(firstDelay: Duration, maxDelay: Duration, maxAttempts: Int? = nil) {
        precondition(firstDelay > .zero && maxDelay >= firstDelay, "back-off delays must grow from a positive first delay")
        precondition(maxAttempts.map { $0 >= 1 } ?? true, "at least one attempt")
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
    }

    /// A failed attempt that will be retried, for logging and health reporting.
    package struct Retry: Sendable {
        /// 1 for the first attempt.
        package var attempt: Int
        package var error: any Error
        package var delay: Duration
    }

    /// The wait after failed attempt `attempt` (1-based); `jitter` in 0...1 picks a point of
    /// the range [d/2, d].
    package func delay(afterAttempt attempt: Int, jitter: Double) -> Duration {
        // Doubling stops at the cap, so the shift never overflows however long the outage.
        var ceiling = firstDelay
        var n = 1
        while n < attempt && ceiling < maxDelay {
            ceiling = ceiling * 2
            n += 1
        }
        ceiling = min(ceiling, maxDelay)
        return ceiling / 2 + ceiling / 2 * min(max(jitter, 0), 1)
    }

    /// Runs `body` until it succeeds, waiting with `sleep` between attempts. When `sleep`
    /// throws (a cancellation, a graceful shutdown) the wait ends and the attempt's own error
    /// is thrown: the operation was not done.
    package func run<T>(
        retryingIf retryable: (any Error) -> Bool = { $0.isTransient },
        onRetry: (Retry) -> Void = { _ in },
        sleep: (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        _ body: () async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch {
                guard let retry = next(after: attempt, error, retryable) else { throw error }
                onRetry(retry)
                do { try await sleep(retry.delay) } catch _ { throw error }
                attempt += 1
            }
        }
    }

    /// The same for callers on a dedicated thread of their own (a connection's thread, a
    /// librdkafka callback), which may block; never call it from a task.
    package func runBlocking<T>(
        retryingIf retryable: (any Error) -> Bool = { $0.isTransient },
        onRetry: (Retry) -> Void = { _ in },
        sleep: (Duration) -> Void = { Thread.sleep(forTimeInterval: $0.inSeconds) },
        _ body: () throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch {
                guard let retry = next(after: attempt, error, retryable) else { throw error }
                onRetry(retry)
                sleep(retry.delay)
                attempt += 1
            }
        }
    }

    /// The retry that follows failed attempt `attempt`, or nil when the error is not retried
    /// or the attempts are used up.
    private func next(after attempt: Int, _ error: any Error, _ retryable: (any Error) -> Bool) -> Retry? {
        guard retryable(error), attempt < maxAttempts ?? .max else { return nil }
        return Retry(attempt: attempt, error: error, delay: delay(afterAttempt: attempt, jitter: .random(in: 0...1)))
    }
}
