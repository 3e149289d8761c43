import BridgeTestSupport
import Testing

/// The tests of this target run `bridge` processes (several each, plus generators and private
/// servers) against one embedded broker, PostgreSQL and Redis on a 2-core machine. All of them
/// at once starve the broker until its requests time out, and then nothing is tested but the
/// machine. With `.sharedMachine` on their suite, at most `limit` such tests run at a time;
/// the rest of the package's tests still run alongside.
struct SharedMachine: SuiteTrait, TestTrait, TestScoping {
    static let limit = 2
    static let slots = TestSlots(count: limit)

    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // The suite itself only groups its tests; each test function takes its own slot.
        guard !test.isSuite else { return try await function() }
        try await Self.slots.holding(function)
    }
}

extension Trait where Self == SharedMachine {
    /// At most `SharedMachine.limit` of these tests at a time (see `SharedMachine`).
    static var sharedMachine: SharedMachine { SharedMachine() }
}
