/// A query's rows, copied out of libpq's result in text format. Typed accessors decode a column
/// and throw a `PostgresDecodingError` naming the column when the text does not fit the type.
package struct PostgresRows: Sendable {
    package let columns: [String]
    package let rows: [[[UInt8]?]]
    /// The command tag's row count (`UPDATE 3` -> 3), for statements without a result set.
    package let affectedRows: Int

    package var count: Int { rows.count }
    package var isEmpty: Bool { rows.isEmpty }

    package subscript(_ index: Int) -> PostgresRow { PostgresRow(columns: columns, values: rows[index]) }

    package func map<T>(_ transform: (PostgresRow) throws -> T) rethrows -> [T] {
        try rows.map { try transform(PostgresRow(columns: columns, values: $0)) }
    }
}

package struct PostgresRow: Sendable {
    package let columns: [String]
    package let values: [[UInt8]?]

    package func isNull(_ i: Int) -> Bool { values[i] == nil }

    package func string(_ i: Int) throws -> String {
        guard let v = values[i] else { throw PostgresDecodingError(column: columns[i], expected: "text", found: "NULL") }
        return String(decoding: v, as: UTF8.self)
    }

    package func optionalString(_ i: Int) -> String? { values[i].map { String(decoding: $0, as: UTF8.self) } }

    package func int(_ i: Int) throws -> Int64 {
        let s = try string(i)
        guard let v = Int64(s) else { throw PostgresDecodingError(column: columns[i], expected: "integer", found: s) }
        return v
    }

    package func optionalInt(_ i: Int) throws -> Int64? { values[i] == nil ? nil : try int(i) }

    package func bool(_ i: Int) throws -> Bool {
        switch try string(i) {
        case "t": return true
        case "f": return false
        case let s: throw PostgresDecodingError(column: columns[i], expected: "boolean", found: s)
        }
    }

    package func double(_ i: Int) throws -> Double {
        let s = try string(i)
        guard let v = Double(s) else { throw PostgresDecodingError(column: columns[i], expected: "double", found: s) }
        return v
    }

    /// bytea in PostgreSQL's hex output format (`\x0aff…`).
    package func bytes(_ i: Int) throws -> [UInt8] {
        guard let v = values[i] else { throw PostgresDecodingError(column: columns[i], expected: "bytea", found: "NULL") }
        guard v.count >= 2, v[0] == UInt8(ascii: "\\"), v[1] == UInt8(ascii: "x"), v.count % 2 == 0 else {
            throw PostgresDecodingError(column: columns[i], expected: "bytea hex", found: String(decoding: v.prefix(16), as: UTF8.self))
        }
        var out: [UInt8] = []
        out.reserveCapacity((v.count - 2) / 2)
        var j = 2
        while j < v.count {
            guard let hi = hex(v[j]), let lo = hex(v[j + 1]) else {
                throw PostgresDecodingError(column: columns[i], expected: "bytea hex", found: "non-hex digit")
            }
            out.append(hi << 4 | lo)
            j += 2
        }
        return out
    }

    package func optionalBytes(_ i: Int) throws -> [UInt8]? { values[i] == nil ? nil : try bytes(i) }
}

private func hex(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: c - 48
    case 97...102: c - 87
    case 65...70: c - 55
    default: nil
    }
}

package struct PostgresDecodingError: Error, CustomStringConvertible, Sendable {
    package var column: String
    package var expected: String
    package var found: String
    package var description: String { "postgresql: column \(column): expected \(expected), found \(found)" }
}
