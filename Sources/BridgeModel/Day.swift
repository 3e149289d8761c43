/// A calendar day in UTC, as used for the `campus_daily` key and the `day` column.
package struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var year: Int
    package var month: Int
    package var day: Int

    /// Returns nil unless the date exists in the proleptic Gregorian calendar and the year is
    /// 0001-9999: PostgreSQL's `date` has no year zero and the key form needs four digits.
    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Any day number is representable, but only years 0001-9999 (all a valid record can reach)
    /// have the 4-digit `iso` form.
    package init(daysSinceEpoch: Int64) {
        (year, month, day) = CivilCalendar.civilFromDays(daysSinceEpoch)
    }

    package var daysSinceEpoch: Int64 {
        CivilCalendar.daysFromCivil(year: year, month: month, day: day)
    }

    /// "YYYY-MM-DD".
    package var iso: String {
        var out: [UInt8] = []
        out.reserveCapacity(10)
        appendISO(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `iso`'s bytes, appended.
    func appendISO(to out: inout [UInt8]) {
        DecimalText.appendYear(year, to: &out)
        out.append(UInt8(ascii: "-"))
        DecimalText.appendTwoDigits(month, to: &out)
        out.append(UInt8(ascii: "-"))
        DecimalText.appendTwoDigits(day, to: &out)
    }

    package var description: String { iso }

    /// Parses exactly "YYYY-MM-DD" (the form `iso` writes); anything else is nil.
    package static func parse(_ s: String) -> Day? {
        let bytes = Array(s.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = DecimalText.fixedDigits(bytes, 0, 4),
              let month = DecimalText.fixedDigits(bytes, 5, 2),
              let day = DecimalText.fixedDigits(bytes, 8, 2) else { return nil }
        return Day(year: year, month: month, day: day)
    }

    package static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
