import Foundation

/// The built `bridge` executable, run as a child process the way an operator runs it.
struct BridgeProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The `bridge` built next to this test bundle, so a build with `--scratch-path` or
    /// `-c release` tests its own binary rather than whatever `.build/debug` holds.
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // The runner may be inside `<name>.xctest/` or next to it, depending on the toolchain.
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("bridge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/bridge")
    }()

    var environment: [String: String]

    struct Failed: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var stderr: String
        var description: String { "bridge \(arguments.joined(separator: " ")) exited \(status): \(stderr.suffix(2000))" }
    }

    /// Starts `bridge arguments`; stdout and stderr go to files (pipes could fill and block it).
    func start(_ arguments: [String]) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let id = UUID().uuidString
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-\(id).out")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("bridge-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, out, err)
    }

    /// Runs to completion; throws with its standard error unless it exits 0.
    @discardableResult
    func run(_ arguments: [String]) async throws -> String {
        let result = try await runAllowingFailure(arguments)
        guard result.status == 0 else { throw Failed(arguments: arguments, status: result.status, stderr: result.stderr) }
        return result.stdout
    }

    /// Runs and returns exit status and both outputs, whatever the status.
    func runAllowingFailure(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let (process, out, err) = try start(arguments)
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return (process.terminationStatus, stdout, stderr)
    }
}
