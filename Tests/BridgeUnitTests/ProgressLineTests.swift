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

    @Test func elsewhereTheSameLineIsNotRepeatedSoon() throws {
        let out = Output()
        let line = ProgressLine(terminal: false, every: .zero, repeatAfter: .seconds(60)) { out.append($0) }
        line.update("a")
        line.update("a")
        line.update("b")
        line.update("b")
        line.update("a")
        #expect(out.value == "a\nb\na\n")
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
        /// Waits (at most 30 s, however busy the machine) until a progress line names `stage`.
        func shown(_ stage: String) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if out.value.split(separator: "\n").contains(where: { $0.hasPrefix("op: \(stage) (") && $0.hasSuffix(" s)") }) { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        var sawReading = false
        var sawStoring = false
        try await progress.run {
            progress.stage("reading")
            sawReading = try await shown("reading")
            progress.stage("storing")
            sawStoring = try await shown("storing")
        }
        #expect(sawReading && sawStoring, "\(out.value)")
        #expect(out.value.split(separator: "\n").last?.hasPrefix("op: done in ") == true, "\(out.value)")
    }
}
