/// A counting semaphore for tests that must not all run at once (see the `.sharedMachine` and
/// `.clusterTopology` traits); waiters are served in arrival order.
package actor TestSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    package init(count: Int) { free = count }

    /// Runs `body` holding one slot, waiting for one first if none is free.
    package nonisolated func holding(_ body: @Sendable () async throws -> Void) async throws {
        await acquire()
        do {
            try await body()
        } catch {
            await release()
            throw error
        }
        await release()
    }

    private func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
