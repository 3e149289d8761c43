import Foundation

/// A progress line for people: on a terminal one line rewritten in place, elsewhere (a pipe, a
/// log file, CI) a plain line at most every `every`, so that logs get a few lines rather than
/// hundreds of carriage returns; there, a line that says the same as the last one waits
/// `repeatAfter` (a path busy with one long batch reads the same for minutes).
package final class ProgressLine: @unchecked Sendable {
    private let write: @Sendable (String) -> Void
    private let terminal: Bool
    private let every: Duration
    private let repeatAfter: Duration
    private let lock = NSLock()
    private var lastPrinted: (at: ContinuousClock.Instant, text: String)?
    private var pending = false

    /// `write` receives the exact text to output (with its own `\r` or `\n`).
    package init(terminal: Bool, every: Duration = .seconds(5), repeatAfter: Duration = .seconds(30),
                write: @escaping @Sendable (String) -> Void) {
        self.terminal = terminal
        self.every = every
        self.repeatAfter = repeatAfter
        self.write = write
    }

    /// Standard output, terminal or not as the file descriptor says. Written with `print` and
    /// flushed, so that progress and the command's other (printed) lines keep their order.
    package static func standardOutput(every: Duration = .seconds(5)) -> ProgressLine {
        ProgressLine(terminal: isatty(STDOUT_FILENO) == 1, every: every) { text in
            print(text, terminator: "")
            fflush(nil)
        }
    }

    /// Standard error (unbuffered), terminal or not as the file descriptor says.
    package static func standardError(every: Duration = .seconds(5)) -> ProgressLine {
        ProgressLine(terminal: isatty(STDERR_FILENO) == 1, every: every) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Shows `text` now on a terminal; elsewhere only if `every` has passed since the last line.
    package func update(_ text: String) {
        let output: String? = lock.withLock {
            if terminal {
                pending = true
                return "\r\u{1B}[2K" + text
            }
            let now = ContinuousClock.now
            if let lastPrinted {
                let wait = lastPrinted.text == text ? max(every, repeatAfter) : every
                if now - lastPrinted.at < wait { return nil }
            }
            lastPrinted = (now, text)
            return text + "\n"
        }
        if let output { write(output) }
    }

    /// A last line, always shown (on a terminal in place of the progress line).
    package func final(_ text: String) {
        let prefix = lock.withLock { () -> String in
            defer { pending = false }
            return terminal ? "\r\u{1B}[2K" : ""
        }
        write(prefix + text + "\n")
    }

    /// Ends the line in place on a terminal, so that what follows starts on a line of its own.
    package func finish() {
        let end = lock.withLock { () -> Bool in
            defer { pending = false }
            return pending
        }
        if end { write("\n") }
    }
}

/// What a long operation is doing, shown only once it has taken longer than `quietFor`: a
/// quick one prints nothing, a slow one says which stage it is in and for how long, and ends
/// with one line saying how long it took.
package final class StageProgress: @unchecked Sendable {
    private let label: String
    private let line: ProgressLine
    private let quietFor: Duration
    private let refresh: Duration
    private let lock = NSLock()
    private var current = "starting"

    package init(label: String, line: ProgressLine, quietFor: Duration = .seconds(2), refresh: Duration = .milliseconds(500)) {
        self.label = label
        self.line = line
        self.quietFor = quietFor
        self.refresh = refresh
    }

    /// The operation moved on to `text` (called from any thread).
    package func stage(_ text: String) { lock.withLock { current = text } }

    package func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        let started = ContinuousClock.now
        let ticker = Task { [self] in
            try await Task.sleep(for: quietFor)
            while !Task.isCancelled {
                let stage = lock.withLock { current }
                line.update("\(label): \(stage) (\(Self.seconds(ContinuousClock.now - started)) s)")
                try await Task.sleep(for: refresh)
            }
        }
        defer { ticker.cancel() }
        let result = try await body()
        ticker.cancel()
        _ = await ticker.result
        let elapsed = ContinuousClock.now - started
        if elapsed >= quietFor { line.final("\(label): done in \(Self.seconds(elapsed)) s") }
        return result
    }

    private static func seconds(_ d: Duration) -> String {
        String(format: "%.1f", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
}
