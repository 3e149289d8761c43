import BridgeTestSupport
import Foundation
import RedisClient

/// A Redis server of one test's own (Debian's redis-server, append-only file on), for tests
/// that restart Redis or take its files away: doing that to the shared server would pull the
/// rug from under every other test running in parallel.
final class PrivateRedis: @unchecked Sendable {
    let port: Int
    let directory: URL
    /// When set, the server requires it (`requirepass`) and `url` carries it.
    let password: String?
    private var process: Process?

    var url: String { "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/0" }

    init(password: String? = nil) throws {
        self.password = password
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = LoopbackPort.reserve()
    }

    /// Starts the server on its data folder and waits until it answers PING.
    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path,
                             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no",
                             "--logfile", directory.appendingPathComponent("redis.log").path]
            + (password.map { ["--requirepass", $0] } ?? [])
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let client = try? await RedisClient(configuration: try RedisConfiguration(url: url, reconnectAttempts: 0)) {
                defer { client.close() }
                if (try? await client.command(["PING"])) == .status("PONG") { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerDidNotStart(port: port)
    }

    /// SHUTDOWN NOSAVE: the server stops with what its append-only file holds.
    func stop() async throws {
        if let client = try? await RedisClient(configuration: try RedisConfiguration(url: url, reconnectAttempts: 0)) {
            _ = try? await client.command(["SHUTDOWN", "NOSAVE"])
            client.close()
        }
        process?.waitUntilExit()
        process = nil
    }

    /// SIGKILL: no shutdown, so the append-only file holds what its last fsync (at most a
    /// second ago, `appendfsync everysec`) wrote.
    func kill9() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// A copy of the data folder as it is now (after an fsync interval has passed).
    func snapshot() throws -> URL {
        let copy = directory.deletingLastPathComponent().appendingPathComponent("redis-snapshot-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: directory, to: copy)
        return copy
    }

    /// Replaces the data folder with a snapshot: the server, when started, has lost every
    /// write made after the snapshot, as after a crash that lost its append-only file's tail.
    func restore(_ snapshot: URL) throws {
        try FileManager.default.removeItem(at: directory)
        try FileManager.default.moveItem(at: snapshot, to: directory)
    }

    func remove() async {
        try? await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    struct ServerDidNotStart: Error { var port: Int }
}

/// Runs `body` with a new private Redis (not started: the test starts it when it wants to) and
/// removes it afterwards, server and files, also when `body` throws. A clean-up in a detached
/// task (`defer { Task { ... } }`) could outlive the test process and leave the server running.
@discardableResult
func withPrivateRedis<Result>(password: String? = nil, _ body: (PrivateRedis) async throws -> Result) async throws -> Result {
    try await withCleanUp(try PrivateRedis(password: password), cleanUp: { await $0.remove() }, body)
}
