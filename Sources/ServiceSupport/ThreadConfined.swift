/// A resource that is not thread-safe (a `PGconn`, a `redisContext`) owned by one dedicated
/// thread. Every use goes through `run`, so the resource is only ever touched by that thread,
/// and blocking I/O on it never occupies Swift's cooperative pool.
package final class ThreadConfined<Resource>: @unchecked Sendable {
    private let thread: DedicatedThread
    // Only read or written on `thread`.
    private var resource: Resource

    package init(name: String, _ resource: Resource) {
        self.thread = DedicatedThread(name: name)
        self.resource = resource
    }

    /// Creates the resource on its own thread (connecting may block).
    package static func make(name: String, _ create: @escaping @Sendable () throws -> Resource) async throws -> ThreadConfined<Resource> {
        let box = try await onOwnThread(name) { UncheckedBox(try create()) }
        return ThreadConfined(name: name, box.value)
    }

    package func run<T: Sendable>(_ body: @escaping @Sendable (inout Resource) throws -> T) async throws -> T {
        try await thread.run { [self] in try body(&self.resource) }
    }

    /// For callers already on a dedicated thread of their own (never from a task).
    package func runBlocking<T: Sendable>(_ body: @escaping @Sendable (inout Resource) throws -> T) throws -> T {
        try thread.runBlocking { [self] in try body(&self.resource) }
    }

    /// Queues `body` and returns at once; `body` hands its outcome over itself. For a caller
    /// that keeps several threads busy at once and collects their results.
    package func submit(_ body: @escaping @Sendable (inout Resource) -> Void) {
        thread.submit { [self] in body(&self.resource) }
    }

    /// Ends the thread after the queued work; `close` runs last, on the thread.
    package func shutdown(_ close: @escaping @Sendable (inout Resource) -> Void) {
        thread.submit { [self] in close(&self.resource) }
        thread.stop()
    }
}

/// Carries a value across a concurrency boundary where the code guarantees a hand-over with no
/// shared access (the creating thread drops it before the receiver uses it).
package struct UncheckedBox<Value>: @unchecked Sendable {
    package var value: Value
    package init(_ value: Value) { self.value = value }
}
