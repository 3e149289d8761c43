import Foundation

/// The round as Markdown for a pull request or a ticket: the verdict, counts, lag, and the
/// listed discrepancies with both values.
package enum MarkdownReport {
    package static func render(_ round: ComparisonRound) -> String {
        let o = round.outcome
        var m = "## Shadow comparison round \(round.id)\n\n"
        m += round.clean && round.consistent ? "**Clean**: both paths agree on every row compared.\n\n"
            : (round.consistent ? "**\(o.totalDiscrepancies) discrepancies** found.\n\n" : "**Nothing compared** (no row at a consistent cut).\n\n")
        m += "| | |\n|---|---|\n"
        m += "| consistent | \(round.consistent) |\n"
        for table in ComparedTable.allCases {
            m += "| \(table.rawValue) | \(o.compared[table] ?? 0) compared, \(o.skippedLagging[table] ?? 0) skipped (lagging) |\n"
        }
        m += "| mismatch rate | \(HTMLReport.percent(o.mismatchRate)) |\n"
        for kind in Discrepancy.Kind.allCases { m += "| \(kind.rawValue) | \(o.counts[kind] ?? 0) |\n" }
        m += "| lag (offsets behind) | legacy \(round.legacyLag), stream \(round.streamLag) |\n"
        m += "| duration | \(round.durationMillis) ms |\n"
        m += "| method | \(round.method.description) |\n"
        m += "| verdicts | \(JudgingText.summary(round.judging, mismatches: o.mismatches).replacingOccurrences(of: "|", with: "\\|")) |\n\n"
        if !o.samples.isEmpty {
            m += "### Discrepancies\(o.listedAll ? "" : " (\(o.samples.count) of \(o.totalDiscrepancies))")\n\n"
            m += "| table | key | kind | verdict | field | legacy | stream |\n|---|---|---|---|---|---|---|\n"
            for d in o.samples {
                if d.fields.isEmpty {
                    m += "| \(d.table.rawValue) | \(cell(d.key)) | \(d.kind.rawValue) | \(d.verdict.rawValue) | (row) | \(cell(d.legacyRow ?? "absent")) | \(cell(d.streamRow ?? "absent")) |\n"
                }
                for f in d.fields {
                    m += "| \(d.table.rawValue) | \(cell(d.key)) | \(d.kind.rawValue) | \(d.verdict.rawValue) | \(f.field) | \(cell(f.legacy)) | \(cell(f.stream)) |\n"
                }
            }
            let explained = o.samples.filter { $0.explanation != nil }
            if !explained.isEmpty {
                m += "\n"
                for d in explained { m += "- \(cell(d.key)) **\(d.verdict.rawValue)**: \(d.explanation!.replacingOccurrences(of: "\n", with: " "))\n" }
            }
        }
        return m
    }

    /// A value as a table cell: in a code span that cannot end early, pipes and line breaks
    /// neutralised so the table keeps its shape.
    static func cell(_ s: String) -> String {
        let flat = s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
        let ticks = String(repeating: "`", count: (flat.split(separator: "`", omittingEmptySubsequences: false).count > 1) ? 2 : 1)
        return "\(ticks) \(flat) \(ticks)"
    }
}
