import Foundation

/// The shadow comparison round at a size, measured by `bridge bench compare` itself (run as a
/// child, so its code is reused as is and its peak memory is measured like the paths').
struct CompareRounds {
    struct Outcome {
        var contacts: Int
        /// Rounds that trusted the stream's maintained sums.
        var bestSeconds: Double
        var worstSeconds: Double
        /// The verifying round (the stream's sums recomputed from its rows).
        var verifyingSeconds: Double?
        var allClean: Bool
        /// Every round compared bucket sums (none fell back to reading every row).
        var allChecksummed: Bool
        var peakKiB: Int
    }

    let environment: [String: String]
    let rounds: Int

    func run(contacts: Int) async throws -> Outcome {
        let child = try ChildProcess(ChildProcess.bridgeExecutable,
                                     ["bench", "compare", "--contacts", String(contacts), "--events", String(contacts),
                                      "--rounds", String(rounds)], environment: environment)
        let outcome = try await child.run(timeout: .seconds(1500))
        // Rows of its table: | round | contacts compared | campus-days | clean | total ms | ... | method |
        var totals: [Double] = []
        var verifying: [Double] = []
        var clean = true
        var checksummed = true
        for line in outcome.stdout.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 9, let total = Double(cells[4]) else { continue }
            if cells[8].hasPrefix("verified") { verifying.append(total / 1000) } else { totals.append(total / 1000) }
            clean = clean && cells[3] == "true"
            checksummed = checksummed && cells[8].contains("checksums")
        }
        guard let best = totals.min(), let worst = totals.max() else {
            throw ChildProcess.Failed(command: child.command, status: 0, stderr: "no round in its output:\n\(outcome.stdout)")
        }
        return Outcome(contacts: contacts, bestSeconds: best, worstSeconds: worst, verifyingSeconds: verifying.min(),
                       allClean: clean, allChecksummed: checksummed, peakKiB: outcome.peakKiB)
    }
}
