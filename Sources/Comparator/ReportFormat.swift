import Foundation
import PostgresClient

/// The three forms of a round's report, and writing them where people find them.
package enum ReportFormat: String, Sendable, CaseIterable {
    case json, md, html

    /// Renders the round; the HTML page also charts the recent rounds and the rollout's moves
    /// stored in PostgreSQL.
    package func render(_ round: ComparisonRound, postgres: PostgresClient) async throws -> String {
        switch self {
        case .json: return JSONReport.render(round) + "\n"
        case .md: return MarkdownReport.render(round)
        case .html:
            let store = RoundStore(postgres: postgres)
            return HTMLReport.render(round, history: try await store.recent(), fields: try await store.mostDifferingFields(),
                                     moves: try await RolloutMove.recent(postgres: postgres))
        }
    }

    /// Writes `report-<id>.<ext>` into `directory` (and `latest.html` for HTML); returns the paths.
    package func write(_ text: String, round: ComparisonRound, into directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("report-\(round.id).\(rawValue)")
        try Data(text.utf8).write(to: file, options: .atomic)
        guard self == .html else { return [file] }
        let latest = directory.appendingPathComponent("latest.html")
        try Data(text.utf8).write(to: latest, options: .atomic)
        return [file, latest]
    }
}
