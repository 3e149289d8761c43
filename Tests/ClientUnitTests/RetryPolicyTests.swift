import KafkaClient
@testable import PostgresClient
@testable import RedisClient
import ServiceSupport
import Synchronization
import Testing

/// The one retry helper and the errors' own word on whether they are transient. The waits are
/// recorded through an injected sleep, never measured: what is checked is which delays were
/// chosen, not how long anything took.
@Suite struct RetryPolicyTests {
    struct Flaky: ServiceError {
        var attempt: Int
        var isTransient: Bool
        var description: String { "flaky attempt \(attempt)" }
    }

    let policy = RetryPolicy(firstDelay: .milliseconds(100), maxDelay: .seconds(2))

    @Test func delaysDoubleUpToTheCapWithJitterInTheUpperHalf() {
        #expect(policy.delay(afterAttempt: 1, jitter: 0) == .milliseconds(50))
        #expect(policy.delay(afterAttempt: 1, jitter: 1) == .milliseconds(100))
        #expect(policy.delay(afterAttempt: 2, jitter: 1) == .milliseconds(200))
        #expect(policy.delay(afterAttempt: 4, jitter: 1) == .milliseconds(800))
        #expect(policy.delay(afterAttempt: 5, jitter: 1) == .milliseconds(1600))
        #expect(policy.delay(afterAttempt: 6, jitter: 1) == .seconds(2), "capped")
        #expect(policy.delay(afterAttempt: 6, jitter: 0) == .seconds(1), "the jitter never goes below half the cap")
        #expect(policy.delay(afterAttempt: 10_000, jitter: 1) == .seconds(2), "a long outage does not overflow the doubling")
        for attempt in 1...30 {
            for jitter in stride(from: 0.0, through: 1.0, by: 0.125) {
                let delay = policy.delay(afterAttempt: attempt, jitter: jitter)
                #expect(delay >= .milliseconds(50) && delay <= .seconds(2))
            }
        }
    }

    @Test func transientErrorsAreRetriedUntilTheBodySucceeds() async throws {
        let calls = Mutex(0)
        let sleeps = Mutex<[Duration]>([])
        var retried: [Int] = []
        let value = try await policy.run(
            onRetry: { retried.append($0.attempt) },
            sleep: { delay in sleeps.withLock { $0.append(delay) } }
        ) {
            let n = calls.withLock { $0 += 1; return $0 }
            if n < 4 { throw Flaky(attempt: n, isTransient: true) }
            return "done after \(n)"
        }
        #expect(value == "done after 4")
        #expect(retried == [1, 2, 3])
        let waited = sleeps.withLock { $0 }
        #expect(waited.count == 3)
        for (i, delay) in waited.enumerated() {
            let ceiling = policy.delay(afterAttempt: i + 1, jitter: 1)
            #expect(delay >= ceiling / 2 && delay <= ceiling, "wait \(i + 1): \(delay) within [\(ceiling / 2), \(ceiling)]")
        }
    }

    @Test func aPermanentErrorIsThrownAtOnce() async {
        let calls = Mutex(0)
        let error = await #expect(throws: Flaky.self) {
            try await policy.run(sleep: { _ in Issue.record("no wait for a permanent error") }) {
                calls.withLock { $0 += 1 }
                throw Flaky(attempt: 1, isTransient: false)
            }
        }
        #expect(error?.isTransient == false)
        #expect(calls.withLock { $0 } == 1)
    }

    @Test func theLastErrorIsThrownWhenTheAttemptsRunOut() throws {
        let bounded = RetryPolicy(firstDelay: .milliseconds(1), maxDelay: .milliseconds(4), maxAttempts: 3)
        var calls = 0
        var waits = 0
        let error = #expect(throws: Flaky.self) {
            try bounded.runBlocking(sleep: { _ in waits += 1 }) {
                calls += 1
                throw Flaky(attempt: calls, isTransient: true)
            }
        }
        #expect(calls == 3 && waits == 2)
        #expect(error?.attempt == 3)
    }

    /// A graceful shutdown interrupts the wait: the operation was not done, and the caller is
    /// told why it failed, not that a sleep was cancelled.
    @Test func anInterruptedWaitThrowsTheAttemptsOwnError() async {
        struct ShuttingDown: Error {}
        let calls = Mutex(0)
        let error = await #expect(throws: Flaky.self) {
            try await policy.run(sleep: { _ in throw ShuttingDown() }) {
                let n = calls.withLock { $0 += 1; return $0 }
                throw Flaky(attempt: n, isTransient: true)
            }
        }
        #expect(error?.attempt == 1 && calls.withLock { $0 } == 1)
    }

    @Test func aCallerMayChooseWhatToRetry() throws {
        var calls = 0
        let value = try policy.runBlocking(retryingIf: { ($0 as? Flaky)?.attempt == 1 }, sleep: { _ in }) {
            calls += 1
            if calls == 1 { throw Flaky(attempt: 1, isTransient: false) }
            return calls
        }
        #expect(value == 2, "retried on the caller's word although the error is permanent")
    }

    @Test func clientErrorsSayWhetherTheyAreTransient() {
        #expect(RedisConnectionError(address: "127.0.0.1:16379", detail: "Server closed the connection").isTransient,
                "a Redis restart must be waited out (the error that used to end bridge run --stream)")
        for code in ["LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "MOVED", "ASK", "READONLY"] {
            #expect(RedisServerError(message: "\(code) something").isTransient, "\(code)")
        }
        for message in ["ERR unknown command", "WRONGTYPE Operation against a key", "NOSCRIPT No matching script",
                        "WRONGPASS invalid username-password pair", "CROSSSLOT Keys in request don't hash to the same slot"] {
            #expect(!RedisServerError(message: message).isTransient, "\(message)")
        }
        #expect(ServiceUnavailable(service: "redis", address: "h:1", detail: "Connection refused").isTransient)
        #expect(!ServiceUnavailable(service: "redis", address: "h:1", detail: "WRONGPASS", isTransient: false).isTransient)
        #expect(!RedisClusterError(address: "h:1", reason: .crossSlot(command: "MGET", slots: [1, 2])).isTransient)
        #expect(RedisClusterError(address: "h:1", reason: .noSlotMap(detail: "refused")).isTransient)

        func postgres(_ state: String?) -> PostgresError {
            PostgresError(sqlState: state, message: "m", statement: "s", file: #file, line: #line)
        }
        for state in [nil, "08006", "57P01", "57P02", "57P03", "40P01", "40001"] {
            #expect(postgres(state).isTransient, "\(state ?? "no SQLSTATE")")
        }
        for state in ["23505", "42601", "28P01"] { #expect(!postgres(state).isTransient, "\(state)") }

        #expect(KafkaError(code: -185, message: "timed out", operation: "flush", isRetriable: true).isTransient)
        #expect(!KafkaError(code: -185, message: "fenced", operation: "produce", isFatal: true, isRetriable: true).isTransient)
        #expect(!KafkaError(code: 10, message: "too large", operation: "produce").isTransient)

        #expect(!(CancellationError() as any Error).isTransient, "errors that say nothing are permanent")
    }
}
