/// A statement parameter. Everything travels in PostgreSQL's text format except `bytea`, which
/// goes binary so that arbitrary bytes need no escaping.
package enum PostgresValue: Sendable, Hashable {
    case null
    case text(String)
    case int(Int64)
    case bool(Bool)
    case double(Double)
    case bytea([UInt8])

    var isBinary: Bool { if case .bytea = self { true } else { false } }

    var wireBytes: [UInt8]? {
        switch self {
        case .null: nil
        case .text(let s): Array(s.utf8)
        case .int(let i): Array(String(i).utf8)
        case .bool(let b): Array((b ? "t" : "f").utf8)
        case .double(let d): Array(String(d).utf8)
        case .bytea(let b): b
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral, ExpressibleByBooleanLiteral {
    package init(stringLiteral value: String) { self = .text(value) }
    package init(integerLiteral value: Int64) { self = .int(value) }
    package init(nilLiteral: ()) { self = .null }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
}
