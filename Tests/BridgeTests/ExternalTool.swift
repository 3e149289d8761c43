import Foundation

/// A program an operator already has (promtool, prometheus), run the way they would run it.
struct ExternalTool {
    let path: String

    static let promtool = ExternalTool(path: "/usr/bin/promtool")
    static let prometheus = ExternalTool(path: "/usr/bin/prometheus")

    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) is not installed: scripts/bootstrap installs Debian's prometheus package, which has it" }
    }

    /// Runs to completion in `directory`, with `input` on standard input; returns the exit
    /// status and standard output and error together. Output goes through a file, so a large
    /// output can never fill a pipe and block the program.
    func run(_ arguments: [String], input: String? = nil, in directory: URL? = nil) async throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inputFile = scratch.appendingPathComponent("in")
        let outputFile = scratch.appendingPathComponent("out")
        try Data((input ?? "").utf8).write(to: inputFile)
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        let output = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        try output.close()
        return (process.terminationStatus, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }
}
