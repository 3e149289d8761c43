import Foundation

/// Per-field exceptions an operator configures: fields not compared at all, and absolute
/// tolerances on integer fields. A name applies to every table having that field, or to one
/// table when written `table.field`.
package struct ComparisonRules: Sendable, Hashable {
    package var ignored: Set<String>
    package var tolerance: [String: Int64]

    package init(ignored: Set<String> = [], tolerance: [String: Int64] = [:]) {
        self.ignored = ignored
        self.tolerance = tolerance
    }

    package struct Invalid: Error, CustomStringConvertible, Sendable {
        package var variable: String
        package var reason: String
        package var description: String { "configuration \(variable): \(reason)" }
    }

    /// Parses BRIDGE_COMPARE_IGNORE ("field,field") and BRIDGE_COMPARE_TOLERANCE
    /// ("field=N,table.field=N").
    package static func parse(ignore: String?, tolerance: String?) throws -> ComparisonRules {
        var rules = ComparisonRules()
        for item in (ignore ?? "").split(separator: ",") {
            let name = item.trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { rules.ignored.insert(name) }
        }
        for item in (tolerance ?? "").split(separator: ",") {
            let text = item.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            let pair = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty, let n = Int64(pair[1]), n >= 0 else {
                throw Invalid(variable: "BRIDGE_COMPARE_TOLERANCE", reason: "\"\(text)\" is not field=non-negative integer")
            }
            rules.tolerance[pair[0]] = n
        }
        return rules
    }

    /// The fields of two rows of `table` that differ under these rules. Both field lists are in
    /// the table's column order (`fieldValues`).
    package func differences(_ table: ComparedTable, legacy: [(name: String, json: String)],
                            stream: [(name: String, json: String)]) -> [Discrepancy.FieldDifference] {
        var out: [Discrepancy.FieldDifference] = []
        for (l, s) in zip(legacy, stream) where !Self.sameBytes(l.json, s.json) {
            if isIgnored(table, l.name) { continue }
            if let allowed = toleranceFor(table, l.name), let a = Int64(l.json), let b = Int64(s.json),
               a.subtractingReportingOverflow(b).partialValue.magnitude <= allowed.magnitude { continue }
            out.append(Discrepancy.FieldDifference(field: l.name, legacy: l.json, stream: s.json))
        }
        return out
    }

    func isIgnored(_ table: ComparedTable, _ field: String) -> Bool {
        ignored.contains(field) || ignored.contains("\(table.rawValue).\(field)")
    }

    func toleranceFor(_ table: ComparedTable, _ field: String) -> Int64? {
        tolerance["\(table.rawValue).\(field)"] ?? tolerance[field]
    }

    /// Canonical JSON texts are equal exactly when their bytes are (Swift's `==` would call
    /// canonically equivalent but differently encoded strings equal).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// "a,b" and "x=1,y=2" for reports.
    package var ignoredList: [String] { ignored.sorted() }
    package var toleranceList: [(field: String, tolerance: Int64)] {
        tolerance.sorted { $0.key < $1.key }.map { (field: $0.key, tolerance: $0.value) }
    }
}
