import BridgeTestSupport
import Foundation

/// The HTTP endpoints of one `bridge run` started by a test, on a port of the test's own.
struct BridgeHTTP {
    let port: Int

    /// A random port for BRIDGE_HTTP (the private servers of other tests use 20,000-29,999).
    static func freshPort() -> Int { LoopbackPort.reserve() }

    var address: String { "127.0.0.1:\(port)" }

    /// Status code and body; (0, error) when nothing answers.
    func get(_ path: String) async -> (code: Int, body: String) {
        do {
            let result = try await LoopbackHTTP.get(port: port, path: path)
            return (result.code, result.body)
        } catch {
            return (0, "\(error)")
        }
    }
}

/// Polls `condition` every `every` until it holds or `seconds` pass; returns whether it held.
/// (A scrape or a probe of the bridge queries the shared broker: poll no faster than needed.)
func eventually(seconds: Double, every: Duration = .milliseconds(500), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: every)
    }
    return try await condition()
}
