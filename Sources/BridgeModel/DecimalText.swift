/// Fixed-width ASCII digit reading and writing for the date and time forms, which need exact
/// widths and must not accept signs, spaces or other forms that the stdlib's Int parsing allows.
package enum DecimalText {
    /// Reads `count` ASCII digits starting at `start`; nil if any is not a digit or out of bounds.
    @inline(__always)
    static func fixedDigits<C: RandomAccessCollection>(_ bytes: C, _ start: Int, _ count: Int) -> Int?
    where C.Element == UInt8, C.Index == Int {
        let first = bytes.startIndex + start
        guard first >= bytes.startIndex, first + count <= bytes.endIndex else { return nil }
        var value = 0
        for i in first..<(first + count) {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    static func appendTwoDigits(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(value / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    static func appendThreeDigits(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(value / 100 % 10))
        appendTwoDigits(value % 100, to: &out)
    }

    /// Four digits inside 0000-9999. Outside it (only reachable through `Timestamp(millis:)` with an
    /// instant no decoded record can carry) a sign and all digits are written so nothing is lost.
    static func appendYear(_ year: Int, to out: inout [UInt8]) {
        if (0...9999).contains(year) {
            appendTwoDigits(year / 100, to: &out)
            appendTwoDigits(year % 100, to: &out)
        } else {
            out.append(UInt8(ascii: year < 0 ? "-" : "+"))
            let magnitude = year.magnitude
            let digits = String(magnitude)
            for _ in 0..<max(0, 4 - digits.utf8.count) { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: digits.utf8)
        }
    }

    /// A signed decimal integer, as `String(value)` writes it.
    /// Written in place (least significant digit first, then reversed): no buffer per number,
    /// since rows' JSON and digests write several per row.
    package static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }
}
