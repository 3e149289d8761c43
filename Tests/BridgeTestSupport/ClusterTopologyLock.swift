import Testing

/// Tests that change the test cluster's topology (kill a master, move slots) take this lock, so
/// that two of them never run at once: one test's failover would otherwise be another's
/// unexplained outage, and a reshard could move the slot another test is migrating by hand.
/// Tests that only use the cluster need not take it; they see at most transient errors, which
/// the client and the paths wait out.
package struct ClusterTopologyLock: SuiteTrait, TestTrait, TestScoping {
    static let slot = TestSlots(count: 1)

    package var isRecursive: Bool { true }

    package func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // The suite itself only groups its tests; each test function takes the lock.
        guard !test.isSuite else { return try await function() }
        try await Self.slot.holding(function)
    }
}

extension Trait where Self == ClusterTopologyLock {
    /// One topology-changing cluster test at a time (see `ClusterTopologyLock`).
    package static var clusterTopology: ClusterTopologyLock { ClusterTopologyLock() }
}
