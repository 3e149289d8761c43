/// The JSON text writers shared by everything in the bridge that emits JSON, so that rows, dead
/// letters and reports all escape the same way and compare as text.
package enum JSONText {
    /// A JSON string literal per RFC 8259: `"` and `\` escaped, every control character
    /// (U+0000-U+001F) as `\u00XX` with lower-case hex, everything else as raw UTF-8.
    package static func string(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `null` for nil, else `string(s)`.
    package static func optionalString(_ s: String?) -> String {
        s.map(string) ?? "null"
    }

    /// A canonical timestamp literal or `null`.
    package static func optionalTimestamp(_ t: Timestamp?) -> String {
        t.map { "\"\($0.iso8601)\"" } ?? "null"
    }

    package static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(b)
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hexDigit(b >> 4))
                out.append(hexDigit(b & 0xF))
            default:
                out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func hexDigit(_ v: UInt8) -> UInt8 {
        v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10
    }
}
