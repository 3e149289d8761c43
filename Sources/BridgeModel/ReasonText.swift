/// Quoting of untrusted text inside rejection reasons. Reasons end up in dead-letter records and
/// logs, so a hostile 1 MiB field must not be copied in whole, and control characters must not
/// reach a terminal raw.
enum ReasonText {
    static let excerptScalars = 80

    /// The text as a JSON string literal, cut after `excerptScalars` scalars with a note.
    static func quoted(_ s: String) -> String {
        var count = 0
        var end = s.unicodeScalars.startIndex
        while end != s.unicodeScalars.endIndex, count < excerptScalars {
            s.unicodeScalars.formIndex(after: &end)
            count += 1
        }
        if end == s.unicodeScalars.endIndex { return JSONText.string(s) }
        let head = String(s.unicodeScalars[..<end])
        return JSONText.string(head) + "… (\(s.utf8.count) bytes in all)"
    }

    /// Raw bytes (such as a Kafka key) that may not be UTF-8: invalid sequences show as U+FFFD.
    static func quoted(bytes: [UInt8]) -> String {
        quoted(String(decoding: bytes, as: UTF8.self))
    }
}
