import BridgeSupport
import Foundation
import Testing

/// Progress for people: rewritten in place on a terminal, throttled lines elsewhere, and
/// nothing at all for an operation that ends before it is worth a word.
@Suite struct ProgressLineTests {
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ s: String) { lock.withLock { text += s } }
        var value: String { lock.withLock { text } }
    }

    @Test func elsewhereALineAtMostEveryIntervalAndTheLastOneAlways() {
        let out = Output()
        let line = ProgressLine(terminal: false, every: .seconds(60)) { out.append($0) }
        line.update("a")
        line.update("b")
        line.update("c")
        line.finish()
        line.final("done")
        #expect(out.value == "a\ndone\n")
    }

    @Test func onATerminalOneLineRewrittenInPlace() {
        let out = Output()
        let line = ProgressLine(terminal: true) { out.append($0) }
        line.update("a")
        line.update("b")
        line.finish()
        line.finish()
        #expect(out.value == "\r\u{1B}[2Ka\r\u{1B}[2Kb\n")
    }

    @Test func aQuickOperationSaysNothing() async throws {
        let out = Output()
        let progress = StageProgress(label: "op", line: ProgressLine(terminal: false, every: .zero) { out.append($0) },
                                     quietFor: .seconds(5))
        let value = try await progress.run { () async throws -> Int in
            progress.stage("working")
            return 7
        }
        #expect(value == 7 && out.value.isEmpty)
    }

    @Test func aSlowOperationSaysWhatItIsDoingAndHowLongItTook() async throws {
        let out = Output()
        let progress = StageProgress(label: "op", line: ProgressLine(terminal: false, every: .zero) { out.append($0) },
                                     quietFor: .milliseconds(100), refresh: .milliseconds(50))
        try await progress.run {
            progress.stage("reading")
            try await Task.sleep(for: .milliseconds(300))
            progress.stage("storing")
            try await Task.sleep(for: .milliseconds(300))
        }
        let lines = out.value.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("op: reading (") && $0.hasSuffix(" s)") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("op: storing (") }, "\(lines)")
        #expect(lines.last?.hasPrefix("op: done in ") == true, "\(lines)")
    }
}
