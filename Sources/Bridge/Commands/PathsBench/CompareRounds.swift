import Foundation

/// The shadow comparison round at a size, measured by `bridge bench compare` itself (run as a
/// child, so its code is reused as is and its peak memory is measured like the paths').
struct CompareRounds {
    struct Outcome {
        var contacts: Int
        var bestSeconds: Double
        var worstSeconds: Double
        var allClean: Bool
        var peakKiB: Int
    }

    let environment: [String: String]
    let rounds: Int

    func run(contacts: Int) async throws -> Outcome {
        let child = try ChildProcess(ChildProcess.bridgeExecutable,
                                     ["bench", "compare", "--contacts", String(contacts), "--events", String(contacts),
                                      "--rounds", String(rounds)], environment: environment)
        let outcome = try await child.run(timeout: .seconds(1500))
        // Rows of its table: | round | contacts compared | campus-days | clean | total ms | ...
        var totals: [Double] = []
        var clean = true
        for line in outcome.stdout.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, let total = Double(cells[4]) else { continue }
            totals.append(total / 1000)
            clean = clean && cells[3] == "true"
        }
        guard let best = totals.min(), let worst = totals.max() else {
            throw ChildProcess.Failed(command: child.command, status: 0, stderr: "no round in its output:\n\(outcome.stdout)")
        }
        return Outcome(contacts: contacts, bestSeconds: best, worstSeconds: worst, allClean: clean, peakKiB: outcome.peakKiB)
    }
}
