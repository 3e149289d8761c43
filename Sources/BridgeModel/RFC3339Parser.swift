/// The strict RFC 3339 `date-time` grammar, with the bridge's normalisation:
///
///     YYYY-MM-DD ("T" | "t") HH:MM:SS ["." 1*DIGIT] ("Z" | "z" | ("+" | "-") HH:MM)
///
/// - month, day-of-month (leap years included), hour 00-23, minute 00-59 and second 00-60 are
///   checked; the offset's hour must be 00-23 and its minute 00-59.
/// - second 60 (a leap second) is accepted and rolls over into the next minute, as PostgreSQL
///   does, because Unix time has no slot for it.
/// - fractional digits beyond the third are dropped, never rounded, in integer arithmetic, so both
///   paths store exactly the same millisecond.
/// - the instant, once in UTC, must lie in years 0001-9999: PostgreSQL has no year zero and the
///   canonical form has a 4-digit year, so anything outside could not round-trip.
enum RFC3339Parser {
    /// Why a timestamp was refused, in words fit for a dead-letter reason.
    struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    private static let minMillis = CivilCalendar.daysFromCivil(year: 1, month: 1, day: 1) * CivilCalendar.millisPerDay
    private static let endMillis = CivilCalendar.daysFromCivil(year: 10000, month: 1, day: 1) * CivilCalendar.millisPerDay

    static func parse(_ b: UnsafeBufferPointer<UInt8>) throws(Failure) -> Timestamp {
        func fail(_ why: String) -> Failure { Failure(description: why) }
        func digits(_ at: Int, _ count: Int, _ what: String) throws(Failure) -> Int {
            guard let v = DecimalText.fixedDigits(b, at, count) else {
                throw fail("expected \(count) digits for the \(what) at character \(at + 1)")
            }
            return v
        }
        func expect(_ at: Int, _ char: Unicode.Scalar) throws(Failure) {
            guard at < b.count, b[at] == UInt8(ascii: char) else {
                throw fail("expected '\(char)' at character \(at + 1)")
            }
        }

        let year = try digits(0, 4, "year")
        try expect(4, "-")
        let month = try digits(5, 2, "month")
        try expect(7, "-")
        let day = try digits(8, 2, "day")
        guard b.count > 10, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") else {
            throw fail("expected 'T' between date and time at character 11")
        }
        let hour = try digits(11, 2, "hour")
        try expect(13, ":")
        let minute = try digits(14, 2, "minute")
        try expect(16, ":")
        let second = try digits(17, 2, "second")

        guard (1...12).contains(month) else { throw fail("month \(month) is out of range 01-12") }
        let monthDays = CivilCalendar.daysInMonth(year: year, month: month)
        guard day >= 1, day <= monthDays else {
            throw fail("day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)")
        }
        guard hour <= 23 else { throw fail("hour \(hour) is out of range 00-23") }
        guard minute <= 59 else { throw fail("minute \(minute) is out of range 00-59") }
        guard second <= 60 else { throw fail("second \(second) is out of range 00-60") }

        var i = 19
        var fractionMillis = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < b.count, b[i] &- UInt8(ascii: "0") < 10 {
                if i - fractionStart < 3 { fractionMillis = fractionMillis * 10 + Int(b[i] - UInt8(ascii: "0")) }
                i += 1
            }
            guard i > fractionStart else { throw fail("expected a digit after '.' at character \(i + 1)") }
            for _ in min(i - fractionStart, 3)..<3 { fractionMillis *= 10 }
        }

        guard i < b.count else { throw fail("missing UTC offset ('Z' or ±HH:MM)") }
        var offsetMinutes = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            let offsetHour = try digits(i + 1, 2, "offset hour")
            try expect(i + 3, ":")
            let offsetMinute = try digits(i + 4, 2, "offset minute")
            guard offsetHour <= 23 else { throw fail("offset hour \(offsetHour) is out of range 00-23") }
            guard offsetMinute <= 59 else { throw fail("offset minute \(offsetMinute) is out of range 00-59") }
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
            i += 6
        default:
            throw fail("expected 'Z' or ±HH:MM offset at character \(i + 1)")
        }
        guard i == b.count else { throw fail("unexpected text after the offset at character \(i + 1)") }

        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        let localSeconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let millis = (localSeconds - Int64(offsetMinutes) * 60) * 1000 + Int64(fractionMillis)
        guard millis >= minMillis, millis < endMillis else {
            throw fail("instant lies outside years 0001-9999 once normalised to UTC")
        }
        return Timestamp(millis: millis)
    }
}
