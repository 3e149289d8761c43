import BridgeModel

/// The migration over time, for the HTML report and the status page: each round's mismatch
/// rate, and the rollout's share of keys with every move marked (automatic or by an operator),
/// on one time axis.
package enum TimelineCharts {
    static let automaticColor = "#8250df"
    static let manualColor = "#0969da"

    /// `rounds` and `moves` oldest first; the charts end at `now`.
    package static func render(rounds: [RoundSummary], moves: [RolloutMove], now: Timestamp) -> String {
        // Every change of the rollout is a move, so the newest one says where it stands.
        let currentPercent = moves.last?.toPercent ?? 0
        let timed = rounds.compactMap { r in r.finishedAt.map { (round: r, at: $0) } }
        let start = timed.first?.at ?? moves.first?.at ?? now
        let window = min(start, now)...now

        let rate = SVGTimeChart(
            title: "Mismatch rate per round",
            series: [.init(name: "mismatch rate", color: "#999", points: timed.map { .init(at: $0.at, value: $0.round.mismatchRate) })],
            markers: timed.map { r in
                let color = !r.round.consistent ? "#999" : (r.round.discrepancies == 0 ? "#1a7f37" : "#cf222e")
                return .init(at: r.at, value: r.round.mismatchRate, shape: .dot, color: color,
                             title: "round \(r.round.id) at \(r.at.iso8601): \(r.round.discrepancies) discrepancies, mismatch rate \(HTMLReport.percent(r.round.mismatchRate))"
                                + (r.round.consistent ? "" : ", nothing compared at a consistent cut"))
            },
            window: window, maxValue: nil, formatValue: HTMLReport.percent,
            legend: [(.dot, "#1a7f37", "clean"), (.dot, "#cf222e", "discrepancies"), (.dot, "#999", "nothing compared")])

        // The share before the first move in the window is where that move came from.
        let shown = moves.filter { $0.at >= window.lowerBound }
        let startPercent = shown.first?.fromPercent ?? moves.last.map(\.toPercent) ?? currentPercent
        var points: [SVGTimeChart.Point] = [.init(at: window.lowerBound, value: Double(startPercent))]
        points += shown.map { .init(at: $0.at, value: Double($0.toPercent)) }
        points.append(.init(at: window.upperBound, value: Double(currentPercent)))
        let rollout = SVGTimeChart(
            title: "Rollout: the stream path's share of keys",
            series: [.init(name: "stream share", color: "#57606a", points: points, stepped: true)],
            markers: shown.map { m in
                .init(at: m.at, value: Double(m.toPercent), shape: m.automatic ? .dot : .hollowSquare,
                      color: m.automatic ? automaticColor : manualColor,
                      title: "#\(m.id) \(m.at.iso8601) \(m.operator): \(m.action) \(m.from) -> \(m.to)\(m.automatic ? " (automatic)" : "")"
                          + (m.reason.map { " — \($0)" } ?? ""))
            },
            window: window, maxValue: 100, formatValue: { $0 >= 100 ? "cutover" : "\(Int($0))%" },
            legend: [(.dot, automaticColor, "automatic move (plan)"), (.hollowSquare, manualColor, "operator's move")])
        return rate.render() + rollout.render()
    }
}
