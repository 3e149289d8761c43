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
}
