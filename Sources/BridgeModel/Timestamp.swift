/// An instant as milliseconds since the Unix epoch, UTC: the only precision the contract keeps.
package struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var millis: Int64

    package init(millis: Int64) {
        self.millis = millis
    }

    /// Parses RFC 3339 (any offset, any number of fractional digits), normalised to UTC and
    /// truncated (not rounded) to milliseconds. Returns nil when invalid; see `RFC3339Parser` for
    /// the exact rules and `RFC3339Parser.parse` for a reason when it fails.
    package static func parseRFC3339<S: Collection<UInt8>>(utf8: S) -> Timestamp? {
        if let parsed = utf8.withContiguousStorageIfAvailable({ try? RFC3339Parser.parse($0) }) {
            return parsed
        }
        return Array(utf8).withUnsafeBufferPointer { try? RFC3339Parser.parse($0) }
    }

    package static func parseRFC3339(_ s: String) -> Timestamp? {
        parseRFC3339(utf8: s.utf8)
    }

    /// Canonical form "2026-11-01T10:05:00.000Z": 4-digit year, 3 fractional digits, 'Z'. Both paths
    /// and the legacy export write this form so rows compare as text.
    package var iso8601: String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendISO8601(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `iso8601`'s bytes, appended.
    func appendISO8601(to out: inout [UInt8]) {
        let dayNumber = CivilCalendar.dayNumber(ofMillis: millis)
        let (year, month, day) = CivilCalendar.civilFromDays(dayNumber)
        let msOfDay = Int(millis - dayNumber * CivilCalendar.millisPerDay)
        DecimalText.appendYear(year, to: &out)
        out.append(UInt8(ascii: "-"))
        DecimalText.appendTwoDigits(month, to: &out)
        out.append(UInt8(ascii: "-"))
        DecimalText.appendTwoDigits(day, to: &out)
        out.append(UInt8(ascii: "T"))
        DecimalText.appendTwoDigits(msOfDay / 3_600_000, to: &out)
        out.append(UInt8(ascii: ":"))
        DecimalText.appendTwoDigits(msOfDay / 60_000 % 60, to: &out)
        out.append(UInt8(ascii: ":"))
        DecimalText.appendTwoDigits(msOfDay / 1000 % 60, to: &out)
        out.append(UInt8(ascii: "."))
        DecimalText.appendThreeDigits(msOfDay % 1000, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    package var utcDay: Day {
        Day(daysSinceEpoch: CivilCalendar.dayNumber(ofMillis: millis))
    }

    package var description: String { iso8601 }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millis < rhs.millis
    }
}

/// Encoded as its canonical text, the form every JSON the bridge writes uses.
extension Timestamp: Codable {
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Timestamp.parseRFC3339(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 timestamp: \(text)"))
        }
        self = parsed
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
