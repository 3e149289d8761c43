import Foundation

/// One OS thread that runs jobs one at a time, in submission order.
///
/// Every C client call that can block (a network round trip in libpq or hiredis, a poll in
/// librdkafka) runs on a thread like this one, never on Swift's cooperative pool: a blocked pool
/// thread stalls every task in the process, and the pool has only as many threads as cores.
/// Because the thread is serial it also serialises access to a C handle that is not thread-safe.
package final class DedicatedThread: @unchecked Sendable {
    // The thread holds the queue, never this object: a client dropped without `stop()` (a
    // forgotten connection) then ends its thread from `deinit` instead of leaving it to wait on
    // freed memory.
    private let queue = JobQueue()

    package let name: String

    package init(name: String) {
        self.name = name
        let queue = self.queue
        let thread = Thread { queue.runJobs() }
        thread.name = name
        thread.start()
    }

    deinit {
        queue.finish(waitingForTheThread: false)
    }

    /// Queues `job`; it runs on this thread after the jobs queued before it.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        queue.submit(job, threadName: name)
    }

    /// Runs `body` on this thread and suspends the calling task (not a pool thread) until it ends.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    /// Runs `body` on this thread and blocks the caller until it ends. Only for callers that are
    /// themselves on a dedicated thread (a librdkafka callback, for example), never from a task.
    package func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        submit {
            box.result = Result { try body() }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    /// Lets the queued jobs finish, then ends the thread. Blocks until it has ended.
    package func stop() {
        queue.finish(waitingForTheThread: true)
    }
}

/// The jobs of one `DedicatedThread`, in submission order.
private final class JobQueue: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    // A job is dropped as soon as it is taken: a finished job must not keep alive what its
    // closure captured (a `ThreadConfined` captures itself, and with it its connection).
    private var jobs: [(() -> Void)?] = []
    private var head = 0
    private var stopping = false
    private var finished = false

    func submit(_ job: @escaping () -> Void, threadName: String) {
        condition.lock()
        precondition(!stopping, "\(threadName): job submitted after stop()")
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func finish(waitingForTheThread wait: Bool) {
        condition.lock()
        stopping = true
        condition.signal()
        while wait && !finished { condition.wait() }
        condition.unlock()
    }

    /// The thread's body: runs jobs until `finish` and an empty queue.
    func runJobs() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count {
                finished = true
                jobs = []
                head = 0
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs[head]!
            jobs[head] = nil
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs one blocking call on a short-lived thread of its own. For rare operations (admin
/// requests, flush, close) that do not deserve a permanent thread.
package func onOwnThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.name = name
        thread.start()
    }
}

/// Runs async work and blocks the calling thread until it ends. Only for code that runs on a
/// dedicated thread and must answer synchronously (a librdkafka rebalance callback), never from
/// a task: the work itself runs on the cooperative pool, which a blocked pool thread would starve.
package func waitBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}
