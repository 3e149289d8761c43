/// Runs `body` with `resource`, then `cleanUp`, also when `body` throws (a failed `try` or
/// `#require`), and returns or rethrows what `body` did. A failing `#expect` does not throw, but
/// any thrown error would otherwise skip a clean-up written as the test's last line and leave
/// the test's topics, Redis keys or database behind.
///
/// Not `defer`: it cannot await. Not `defer { Task { await cleanUp() } }` either: that task can
/// still be connecting to PostgreSQL while the test process exits, and libpq's Kerberos library
/// then aborts in its exit-time destructors (`k5_mutex_lock: Assertion 'r == 0' failed`), failing
/// `swift test` after every test passed.
@discardableResult
package func withCleanUp<Resource, Result>(_ resource: Resource, cleanUp: (Resource) async -> Void,
                                          _ body: (Resource) async throws -> Result) async throws -> Result {
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        await cleanUp(resource)
        throw error
    }
    await cleanUp(resource)
    return result
}
