import BridgeModel

/// A row of either aggregate table, for code that judges rows without caring which table they
/// belong to: the canonical field values (compared under the rules) and the JSON object.
package enum AggregateRow: Sendable, Hashable {
    case contact(ContactSummaryRow)
    case campusDay(CampusDailyRow)

    package var table: ComparedTable {
        switch self {
        case .contact: .contactSummary
        case .campusDay: .campusDaily
        }
    }

    package var fieldValues: [(name: String, json: String)] {
        switch self {
        case .contact(let row): row.fieldValues
        case .campusDay(let row): row.fieldValues
        }
    }

    package var json: String {
        switch self {
        case .contact(let row): row.json
        case .campusDay(let row): row.json
        }
    }

    /// Parses a row of `table` back from its canonical JSON (as a round's discrepancy keeps it).
    init(table: ComparedTable, json: String) throws {
        switch table {
        case .contactSummary: self = .contact(try ContactSummaryRow(json: Array(json.utf8)))
        case .campusDaily: self = .campusDay(try CampusDailyRow(json: Array(json.utf8)))
        }
    }
}
