import Foundation

/// The figures of one `bench paths` run as a Markdown table (ratios first), and the section of
/// docs/benchmarks.md that shows them with the machine, date and command.
package struct PathsReport {
    package struct Row {
        package var name: String
        package var value: Double
        package var unit: String
    }

    package var rows: [Row] = []
    package var notes: [String] = []

    mutating func add(_ name: String, _ value: Double, _ unit: String) { rows.append(Row(name: name, value: value, unit: unit)) }

    package var table: String {
        var lines = ["| measurement | value | unit |", "| --- | ---: | --- |"]
        for row in rows {
            // Small figures keep two decimals: a per-record cost of 1.2 µs printed as "1" hides the change being measured.
            let format = row.value < 10 ? "%.2f" : (row.value < 100 ? "%.1f" : "%.0f")
            lines.append("| \(row.name) | \(String(format: format, row.value)) | \(row.unit) |")
        }
        return lines.joined(separator: "\n")
    }

    package static let begin = "<!-- bench-paths:begin (written by `bridge bench paths --write-docs`) -->"
    package static let end = "<!-- bench-paths:end -->"

    package func section(machine: String, command: String, date: Date) -> String {
        let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        var text = [Self.begin, "", "Command (release build, embedded services up, nothing else running on the machine):", "",
                    "    \(command)", "", "Machine: \(machine). One run on \(day).", "", table, ""]
        text += notes.map { "- \($0)" }
        text += ["", Self.end]
        return text.joined(separator: "\n")
    }

    /// Replaces the marked section of the file, or appends it under "## Paths (issue 6)".
    package static func write(_ section: String, into path: String) throws {
        var doc = try String(contentsOfFile: path, encoding: .utf8)
        if let start = doc.range(of: begin), let stop = doc.range(of: end, range: start.upperBound..<doc.endIndex) {
            doc.replaceSubrange(start.lowerBound..<stop.upperBound, with: section)
        } else {
            doc += "\n## Paths (issue 6)\n\n\(section)\n"
        }
        try doc.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
