import Foundation

/// A child process the benchmark times from spawn to exit, with its peak resident memory.
///
/// Output goes to files (a pipe nobody drains could fill and block the child). Waiting polls
/// with `Task.sleep`, so no thread of the cooperative pool blocks in `waitpid`; each poll also
/// reads `VmHWM` (the kernel's high-water mark of resident memory) from /proc/<pid>/status,
/// which is monotonic, so the last sample before exit is the child's peak.
final class ChildProcess {
    struct Outcome {
        var status: Int32
        var seconds: Double
        var peakKiB: Int
        var stdout: String
        var stderr: String
    }

    struct Failed: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var stderr: String
        var description: String { "\(command) exited \(status): \(stderr.suffix(1500))" }
    }

    let command: String
    private let process = Process()
    private let out: URL
    private let err: URL
    private(set) var started = ContinuousClock.now
    private(set) var peakKiB = 0

    /// `stdout: nil` keeps the output in a temporary file (returned by `wait`); `stdin` names
    /// a file to read standard input from.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: URL? = nil,
         discardOutput: Bool = false) throws {
        command = ([URL(fileURLWithPath: executable).lastPathComponent] + arguments).joined(separator: " ")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let id = UUID().uuidString
        out = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(id).out")
        err = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = discardOutput ? FileHandle.nullDevice : try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
    }

    /// The `bridge` executable that is running now: the children run exactly this build.
    static var bridgeExecutable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func start() throws {
        started = ContinuousClock.now
        try process.run()
    }

    /// SIGTERM: `bridge run` shuts down gracefully on it.
    func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// Waits for the exit (terminating the child after `timeout`), sampling its memory.
    func wait(timeout: Duration = .seconds(1800)) async throws -> Outcome {
        let deadline = started + timeout
        while process.isRunning {
            samplePeak()
            if ContinuousClock.now > deadline { terminate() }
            try await Task.sleep(for: .milliseconds(50))
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return Outcome(status: process.terminationStatus, seconds: seconds, peakKiB: peakKiB, stdout: stdout, stderr: stderr)
    }

    /// Starts, waits, and throws unless the exit status is 0.
    func run(timeout: Duration = .seconds(1800)) async throws -> Outcome {
        try start()
        let outcome = try await wait(timeout: timeout)
        guard outcome.status == 0 else { throw Failed(command: command, status: outcome.status, stderr: outcome.stderr) }
        return outcome
    }

    /// CPU time (user + system) the running child has used so far, from /proc/<pid>/stat.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "(comm)": state is field 3; utime and stime are fields 14 and 15, in clock ticks.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func samplePeak() {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ Int($0) }) else { return }
        peakKiB = max(peakKiB, kib)
    }
}
