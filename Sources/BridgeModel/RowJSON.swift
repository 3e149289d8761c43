/// Joins canonical member texts into one JSON object, so every row type writes the same shape.
enum RowJSON {
    /// Names are our own ASCII column names and need no escaping; values are already JSON text.
    static func object(_ fields: [(name: String, json: String)]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(fields.reduce(2) { $0 + $1.name.utf8.count + $1.json.utf8.count + 4 })
        out.append(UInt8(ascii: "{"))
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: field.name.utf8)
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: field.json.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes a JSON object member by member straight into bytes, for the rows both paths publish
    /// by the hundred thousand: no intermediate strings. Same text as `object(_:)` would give.
    struct Writer {
        private(set) var bytes: [UInt8] = []
        private var first = true

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
            bytes.append(UInt8(ascii: "{"))
        }

        private mutating func name(_ name: StaticString) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }

        mutating func string(_ name: StaticString, _ value: String?) {
            self.name(name)
            if let value { JSONText.appendString(value, to: &bytes) } else { null() }
        }

        mutating func integer(_ name: StaticString, _ value: Int64) {
            self.name(name)
            DecimalText.appendInteger(value, to: &bytes)
        }

        mutating func bool(_ name: StaticString, _ value: Bool) {
            self.name(name)
            bytes.append(contentsOf: value ? [116, 114, 117, 101] : [102, 97, 108, 115, 101])
        }

        mutating func timestamp(_ name: StaticString, _ value: Timestamp?) {
            self.name(name)
            guard let value else { null(); return }
            bytes.append(UInt8(ascii: "\""))
            value.appendISO8601(to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }

        mutating func day(_ name: StaticString, _ value: Day) {
            self.name(name)
            bytes.append(UInt8(ascii: "\""))
            value.appendISO(to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func null() { bytes.append(contentsOf: [110, 117, 108, 108]) }

        mutating func finish() -> [UInt8] {
            bytes.append(UInt8(ascii: "}"))
            return bytes
        }
    }
}
