import Rollout

/// `bridge rollout status` for people: a few aligned lines, newest history first.
enum RolloutStatusText {
    static func render(_ status: RolloutStatus) -> String {
        var lines: [String] = []
        let position = RolloutPosition(phase: status.phase, percent: status.percent)
        lines.append("phase:   \(position)  (the stream path serves \(status.percent)% of keys)")
        lines.append("since:   \(status.since ?? "-") by \(status.by ?? "-")")
        lines.append("reason:  \(status.reason ?? "-")")
        lines.append("gate:    \(status.gate.summary)")
        if !status.history.isEmpty {
            lines.append("history:")
            for e in status.history {
                let from = e.fromPhase.map { RolloutPosition(phase: RolloutPhase(rawValue: $0) ?? .shadow, percent: e.fromPercent ?? 0).description } ?? "-"
                let to = e.toPhase.map { RolloutPosition(phase: RolloutPhase(rawValue: $0) ?? .shadow, percent: e.toPercent ?? 0).description } ?? "-"
                var line = "  #\(e.id) \(e.at) \(e.operator): \(e.action) \(from) -> \(to)"
                if e.forced { line += " FORCED" }
                if let reason = e.reason { line += " — \(reason)" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}
