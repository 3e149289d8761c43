/// A strict RFC 8259 parser for documents whose top level must be an object.
///
/// Strict means: UTF-8 only (no BOM, no overlong forms, no encoded surrogates, nothing above
/// U+10FFFF), no trailing commas, no single quotes, no NaN/Infinity, no leading zeros, no
/// unescaped control characters, no lone surrogate escapes, nothing but whitespace after the
/// value. Nesting deeper than `maxDepth` is refused so a hostile record cannot exhaust the stack.
///
/// Duplicate member names are all returned in document order; readers take the last one, which
/// is what PostgreSQL's `jsonb` and most JSON libraries do, so both paths agree on it.
///
/// The whole document is validated before its shape is judged, so a malformed array is reported
/// as invalid JSON, and only a well-formed non-object as "not an object".
struct JSONObjectParser {
    static let maxDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var pos = 0
    /// Reused across strings that need unescaping, to save an allocation per string.
    private var scratch: [UInt8] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Rejection) -> [JSONMember] {
        var parser = JSONObjectParser(bytes)
        parser.skipWhitespace()
        guard parser.pos < bytes.count else { throw parser.invalid("empty document") }
        if bytes[parser.pos] == UInt8(ascii: "{") {
            let members = try parser.parseTopObject()
            parser.skipWhitespace()
            try parser.expectEnd()
            return members
        }
        let value = try parser.parseValue(depth: 1)
        parser.skipWhitespace()
        try parser.expectEnd()
        throw Rejection(code: .notAnObject, reason: "top-level JSON value is \(value.typeDescription), expected an object")
    }

    static func parse<C: Collection<UInt8>>(_ bytes: C) throws(Rejection) -> [JSONMember] {
        let result: Result<[JSONMember], Rejection>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Rejection) in try parse(buffer) }
        }
        if let result { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(Rejection) in try parse(buffer) }
        }.get()
    }

    // MARK: Structure

    private func invalid(_ why: String, at offset: Int? = nil) -> Rejection {
        Rejection(code: .invalidJSON, reason: "invalid JSON at byte \(offset ?? pos): \(why)")
    }

    private func describeCurrent() -> String {
        guard pos < bytes.count else { return "end of input" }
        let b = bytes[pos]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    private mutating func expectEnd() throws(Rejection) {
        guard pos == bytes.count else { throw invalid("unexpected \(describeCurrent()) after the top-level value") }
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func parseTopObject() throws(Rejection) -> [JSONMember] {
        var members: [JSONMember] = []
        members.reserveCapacity(8)
        pos += 1
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return members
        }
        while true {
            let name = try parseMemberName()
            let value = try parseValue(depth: 2)
            members.append(JSONMember(name: name, value: value))
            if try endOfContainer(close: UInt8(ascii: "}")) { return members }
        }
    }

    /// After a member or element: consumes ',' (then expects more) or the closing bracket.
    private mutating func endOfContainer(close: UInt8) throws(Rejection) -> Bool {
        skipWhitespace()
        guard pos < bytes.count else { throw invalid("unexpected end of input, expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        if bytes[pos] == UInt8(ascii: ",") {
            pos += 1
            skipWhitespace()
            return false
        }
        if bytes[pos] == close {
            pos += 1
            return true
        }
        throw invalid("expected ',' or '\(Character(Unicode.Scalar(close)))', found \(describeCurrent())")
    }

    private mutating func parseMemberName() throws(Rejection) -> String {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
            throw invalid("expected a member name in double quotes, found \(describeCurrent())")
        }
        let name = try parseString()
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
            throw invalid("expected ':' after member name, found \(describeCurrent())")
        }
        pos += 1
        skipWhitespace()
        return name
    }

    private mutating func parseValue(depth: Int) throws(Rejection) -> JSONValue {
        guard pos < bytes.count else { throw invalid("unexpected end of input, expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "{"):
            try skipContainer(depth: depth, close: UInt8(ascii: "}"), members: true)
            return .object
        case UInt8(ascii: "["):
            try skipContainer(depth: depth, close: UInt8(ascii: "]"), members: false)
            return .array
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw invalid("expected a value, found \(describeCurrent())")
        }
    }

    /// Validates an array or object without building it: nothing this model reads is nested.
    private mutating func skipContainer(depth: Int, close: UInt8, members: Bool) throws(Rejection) {
        guard depth <= Self.maxDepth else { throw invalid("nesting deeper than \(Self.maxDepth) levels") }
        pos += 1
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == close {
            pos += 1
            return
        }
        while true {
            if members { _ = try parseMemberName() }
            _ = try parseValue(depth: depth + 1)
            if try endOfContainer(close: close) { return }
        }
    }

    private mutating func literal(_ word: StaticString) throws(Rejection) {
        let start = pos
        let ok = word.withUTF8Buffer { w -> Bool in
            guard bytes.count - pos >= w.count else { return false }
            for i in 0..<w.count where bytes[pos + i] != w[i] { return false }
            return true
        }
        guard ok else { throw invalid("invalid literal, expected '\(word)'", at: start) }
        pos += word.utf8CodeUnitCount
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(Rejection) -> String {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw invalid("expected a digit in number") }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count, isDigit(bytes[pos]) { throw invalid("leading zero in number", at: start) }
        } else {
            skipDigits()
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw invalid("expected a digit after the decimal point") }
            skipDigits()
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw invalid("expected a digit in the exponent") }
            skipDigits()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private mutating func skipDigits() {
        while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote. The common case (no escapes) becomes a
    /// String straight from the input bytes; UTF-8 is validated here because
    /// `String(decoding:as:)` would silently repair it.
    private mutating func parseString() throws(Rejection) -> String {
        pos += 1
        let start = pos
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
                return try parseEscapedRest()
            }
            if b < 0x20 { throw invalid("unescaped control character 0x\(String(b, radix: 16, uppercase: true)) in string") }
            if b < 0x80 { pos += 1 } else { pos += try utf8SequenceLength(at: pos) }
        }
        throw invalid("unterminated string", at: start - 1)
    }

    private mutating func parseEscapedRest() throws(Rejection) -> String {
        while pos < bytes.count {
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0..<0x20:
                throw invalid("unescaped control character 0x\(String(b, radix: 16, uppercase: true)) in string")
            case 0..<0x80:
                scratch.append(b)
                pos += 1
            default:
                let n = try utf8SequenceLength(at: pos)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<(pos + n)]))
                pos += n
            }
        }
        throw invalid("unterminated string")
    }

    private mutating func parseEscape() throws(Rejection) {
        let start = pos
        pos += 1
        guard pos < bytes.count else { throw invalid("unterminated escape sequence", at: start) }
        let simple: UInt8
        switch bytes[pos] {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            pos += 1
            try parseUnicodeEscape(start: start)
            return
        default:
            throw invalid("invalid escape sequence \\\(describeCurrent())", at: start)
        }
        scratch.append(simple)
        pos += 1
    }

    /// `\uXXXX`, pairing surrogates; a high surrogate must be followed by `\u` + low surrogate and
    /// a low surrogate must never stand alone, since neither is a Unicode scalar.
    private mutating func parseUnicodeEscape(start: Int) throws(Rejection) {
        let unit = try hex4()
        var scalarValue = UInt32(unit)
        if (0xDC00...0xDFFF).contains(unit) {
            throw invalid("lone low surrogate \\u\(String(unit, radix: 16, uppercase: true)) in string", at: start)
        }
        if (0xD800...0xDBFF).contains(unit) {
            guard bytes.count - pos >= 6, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                throw invalid("lone high surrogate \\u\(String(unit, radix: 16, uppercase: true)) in string", at: start)
            }
            pos += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw invalid("high surrogate \\u\(String(unit, radix: 16, uppercase: true)) not followed by a low surrogate", at: start)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        }
        let scalar = Unicode.Scalar(scalarValue)!
        scratch.append(contentsOf: UTF8.encode(scalar)!)
    }

    private mutating func hex4() throws(Rejection) -> UInt16 {
        guard bytes.count - pos >= 4 else { throw invalid("expected 4 hex digits after \\u") }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw invalid("expected 4 hex digits after \\u")
            }
            v = v << 4 | UInt16(digit)
            pos += 1
        }
        return v
    }

    /// Length of the well-formed UTF-8 sequence at `at` (lead byte >= 0x80), per the table in
    /// Unicode 15 §3.9 (D92), which excludes overlongs, surrogates and values above U+10FFFF.
    private func utf8SequenceLength(at i: Int) throws(Rejection) -> Int {
        let lead = bytes[i]
        let need: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: throw invalid("invalid UTF-8 lead byte 0x\(String(lead, radix: 16, uppercase: true))", at: i)
        }
        guard bytes.count - i > need else { throw invalid("truncated UTF-8 sequence", at: i) }
        let second = bytes[i + 1]
        guard second >= lo && second <= hi else { throw invalid("invalid UTF-8 sequence", at: i) }
        if need >= 2 {
            guard bytes[i + 2] & 0xC0 == 0x80 else { throw invalid("invalid UTF-8 sequence", at: i) }
        }
        if need == 3 {
            guard bytes[i + 3] & 0xC0 == 0x80 else { throw invalid("invalid UTF-8 sequence", at: i) }
        }
        return need + 1
    }
}
