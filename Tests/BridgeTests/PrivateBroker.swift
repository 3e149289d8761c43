import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient

/// A tansu broker of one test's own (the binary scripts/bootstrap installs as .bridge/bin/tansu,
/// with the flags of scripts/services broker_up, on a random port), for tests that freeze or
/// stop the broker: doing that to the shared broker would stall every other test.
/// Memory storage, like the shared one: its topics vanish when it stops.
final class PrivateBroker: @unchecked Sendable {
    let port: Int
    let logFile: URL
    private var process: Process?

    var address: String { "127.0.0.1:\(port)" }

    init() throws {
        port = LoopbackPort.reserve()
        logFile = URL(fileURLWithPath: "/tmp").appendingPathComponent("broker-fault-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
    }

    /// Starts the broker and waits until it answers a metadata request.
    func start() async throws {
        let binary = BridgeProcess.packageRoot.appendingPathComponent(".bridge/bin/tansu")
        let listener = "tcp://\(address)"
        let process = Process()
        process.executableURL = binary
        process.arguments = ["broker", "--cluster-id", "bridge", "--listener-url", listener, "--advertised-listener-url", listener,
                             "--storage-engine", "memory://tansu/"]
        // Flags only, as in scripts/services: a stray tansu variable must not change them.
        process.environment = ProcessInfo.processInfo.environment.filter { !["LISTENER_URL", "ADVERTISED_LISTENER_URL", "STORAGE_ENGINE", "CLUSTER_ID"].contains($0.key) }
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(brokers: address))
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { break }
            if (try? await admin.metadata(timeout: .seconds(1))) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DidNotStart(address: address, log: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "")
    }

    /// SIGSTOP: the process stays, its sockets stay open, nothing is answered.
    func freeze() { if let pid = process?.processIdentifier { kill(pid, SIGSTOP) } }

    /// SIGCONT: it carries on where it stopped.
    func resume() { if let pid = process?.processIdentifier { kill(pid, SIGCONT) } }

    /// Best effort, for the test's cleanup: SIGKILL also ends a frozen broker.
    func remove() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        process = nil
        try? FileManager.default.removeItem(at: logFile)
    }

    struct DidNotStart: Error, CustomStringConvertible {
        var address: String
        var log: String
        var description: String { "private broker at \(address) did not start: \(log.suffix(1000))" }
    }
}
