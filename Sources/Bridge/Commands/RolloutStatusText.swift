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
        if let plan = status.plan { lines += Self.plan(plan) } else { lines.append("plan:    none") }
        if !status.history.isEmpty {
            lines.append("history:")
            for e in status.history {
                let from = e.fromPhase.map { RolloutPosition(phase: RolloutPhase(rawValue: $0) ?? .shadow, percent: e.fromPercent ?? 0).description } ?? "-"
                let to = e.toPhase.map { RolloutPosition(phase: RolloutPhase(rawValue: $0) ?? .shadow, percent: e.toPercent ?? 0).description } ?? "-"
                var line = "  #\(e.id) \(e.at) \(e.operator): \(e.action)"
                if RolloutAction(rawValue: e.action).map(movesTheRollout) ?? true { line += " \(from) -> \(to)" }
                if e.automatic { line += " (automatic" + (e.roundIds.isEmpty ? ")" : ", rounds \(e.roundIds.map(String.init).joined(separator: ", ")))") }
                if e.forced { line += " FORCED" }
                if let reason = e.reason { line += " — \(reason)" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The plan: its steps, where it stands, the rounds counted and what it does next.
    static func plan(_ p: PlanStatus) -> [String] {
        [
            "plan:    \(p.plan.summary)\(p.plan.paused ? " — PAUSED" : "")",
            "step:    \(p.position) for \(p.secondsInStep) s; next \(p.next.map(\.description) ?? "none (complete)")",
            "counted: " + (p.countedRounds.isEmpty ? "no round yet" : "rounds \(p.countedRounds.map(String.init).joined(separator: ", "))")
                + " of the \(p.plan.rounds) the step needs",
            "next:    \(p.nextAction)",
        ]
    }

    /// Whether a history action changes the phase or percentage (plan, pause, resume and
    /// stream-reset entries record the position they happened at).
    static func movesTheRollout(_ action: RolloutAction) -> Bool {
        [.set, .advance, .rollback].contains(action)
    }
}
