import Foundation
import ServiceSupport
import Testing

@Suite struct DedicatedThreadTests {
    /// The names of this process' threads, from /proc (what `Thread.name` sets).
    func threadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// A client dropped without `stop()` (a forgotten connection) must not leave its thread
    /// waiting on freed memory: the jobs already queued still run, then the thread ends.
    @Test func aThreadDroppedWithoutStopRunsItsQueuedJobsAndEnds() async throws {
        let name = "dt-\(UInt16.random(in: 0...UInt16.max))"
        let ran = Counter()
        for _ in 0..<20 {
            let thread = DedicatedThread(name: name)
            thread.submit { Thread.sleep(forTimeInterval: 0.01); ran.add() }
            thread.submit { ran.add() }
        }
        var remaining = threadNames().filter { $0 == name }.count
        for _ in 0..<100 where remaining > 0 || ran.value < 40 {
            try await Task.sleep(for: .milliseconds(50))
            remaining = threadNames().filter { $0 == name }.count
        }
        #expect(ran.value == 40, "every job queued before the drop ran")
        #expect(remaining == 0, "\(remaining) of the dropped threads are still alive")
    }

    @Test func stopRunsTheQueuedJobsFirst() throws {
        let thread = DedicatedThread(name: "dt-stop")
        let ran = Counter()
        for _ in 0..<10 { thread.submit { ran.add() } }
        thread.stop()
        #expect(ran.value == 10)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
