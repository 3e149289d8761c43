import Foundation
import Testing

/// `bridge bench paths --quick` end to end on the shared services: every row of its table is
/// there with a positive number. No timing is asserted (the machine is shared and noisy).
@Suite(.sharedMachine) struct PathsBenchTests {
    @Test func quickRunPrintsEveryRow() async throws {
        let bridge = BridgeProcess(environment: ["BRIDGE_SESSION_TIMEOUT_MS": "6000", "BRIDGE_LOG_LEVEL": "warning"])
        let output = try await bridge.run(["bench", "paths", "--quick", "--skip-compare",
                                           "--kcat", BridgeProcess.packageRoot.appendingPathComponent(".bridge/bin/kcat").path])
        var values: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("| ") && !line.hasPrefix("| measurement") && !line.hasPrefix("| ---") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count == 3, "malformed row: \(line)")
            if cells.count == 3 { values[cells[0]] = Double(cells[1]) }
        }
        let expected = ["stream / broker ceiling (spawn to exit)", "stream / broker ceiling (start-up and join excluded)",
                        "stream / legacy (spawn to exit)", "stream / legacy after 2000 events of history",
                        "stream / legacy after 10000 events of history", "stream / sequential-kcat ceiling", "broker ceiling",
                        "sequential-kcat ceiling", "kcat reading the inputs at once", "kcat -C reading each input", "kcat write",
                        "Redis CPU per input record, INFO commandstats", "Redis CPU per input record, process CPU",
                        "stream path, spawn to exit", "stream path, start-up and join excluded", "legacy path, spawn to exit",
                        "stream, batch of", "legacy, ", "end-to-end latency p50", "end-to-end latency p99 ", "end-to-end latency p99.9",
                        "peak memory (VmHWM), stream child", "peak memory (VmHWM), legacy child"]
        for prefix in expected {
            #expect(values.keys.contains { $0.hasPrefix(prefix) }, "no row starting with \(prefix) in:\n\(output)")
        }
        for (name, value) in values {
            // Latency can round to 0 ms on an idle machine; everything else must be positive.
            if name.hasPrefix("end-to-end latency") { #expect(value >= 0, "\(name)") } else { #expect(value > 0, "\(name) = \(value)") }
        }
        #expect(!output.contains("comparison round"))
    }
}
