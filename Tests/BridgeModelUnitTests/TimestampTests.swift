import BridgeModel
import Testing

@Suite struct TimestampTests {
    @Test func parsesAndFormatsCanonically() throws {
        let t = try #require(Timestamp.parseRFC3339("2026-11-01T10:05:00.000Z"))
        #expect(t.millis == 1_793_527_500_000)
        #expect(t.iso8601 == "2026-11-01T10:05:00.000Z")
        #expect(t.description == t.iso8601)
        #expect(Timestamp(millis: 0).iso8601 == "1970-01-01T00:00:00.000Z")
    }

    @Test(arguments: [
        ("2026-11-01T10:05:00Z", "2026-11-01T10:05:00.000Z"),
        ("2026-11-01T10:05:00.1Z", "2026-11-01T10:05:00.100Z"),
        ("2026-11-01T10:05:00.12Z", "2026-11-01T10:05:00.120Z"),
        ("2026-11-01T10:05:00.123456Z", "2026-11-01T10:05:00.123Z"),
        ("2026-11-01T10:05:00.9999999999999999999999Z", "2026-11-01T10:05:00.999Z"),
        ("2026-11-01T10:05:00-00:00", "2026-11-01T10:05:00.000Z"),
        ("2026-11-01T00:00:00+23:59", "2026-10-31T00:01:00.000Z"),
        ("2026-11-01T23:59:59.999-23:59", "2026-11-02T23:58:59.999Z"),
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000Z"),
        ("2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000Z"),
        ("2026-06-30T23:59:60.5Z", "2026-07-01T00:00:00.500Z"),
        ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
        ("0000-12-31T23:00:00-01:00", "0001-01-01T00:00:00.000Z"),
        ("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"),
    ])
    func normalisesToCanonicalUTC(input: String, canonical: String) throws {
        let t = try #require(Timestamp.parseRFC3339(input))
        #expect(t.iso8601 == canonical)
        #expect(Timestamp.parseRFC3339(canonical) == t)
    }

    @Test func genericEntryAcceptsAnyByteCollection() {
        let bytes = Array("2026-11-01T10:05:00.000Z".utf8)
        #expect(Timestamp.parseRFC3339(utf8: bytes)?.millis == 1_793_527_500_000)
        #expect(Timestamp.parseRFC3339(utf8: bytes[...])?.millis == 1_793_527_500_000)
        // A non-contiguous collection takes the copying path.
        #expect(Timestamp.parseRFC3339(utf8: bytes.lazy.map { $0 })?.millis == 1_793_527_500_000)
        #expect(Timestamp.parseRFC3339(utf8: Array("2026-13-01T10:05:00Z".utf8)) == nil)
    }

    @Test func truncationBeforeTheEpochStaysOnTheEarlierMillisecond() throws {
        let t = try #require(Timestamp.parseRFC3339("1969-12-31T23:59:59.9999Z"))
        #expect(t.millis == -1)
        #expect(t.utcDay.iso == "1969-12-31")
    }

    @Test func utcDayAtAndJustBeforeMidnight() throws {
        #expect(Timestamp.parseRFC3339("2026-11-02T00:00:00.000Z")?.utcDay.iso == "2026-11-02")
        #expect(Timestamp.parseRFC3339("2026-11-01T23:59:59.999Z")?.utcDay.iso == "2026-11-01")
    }

    @Test func ordersByInstant() throws {
        let a = try #require(Timestamp.parseRFC3339("2026-11-01T10:00:00+01:00"))
        let b = try #require(Timestamp.parseRFC3339("2026-11-01T09:30:00Z"))
        #expect(a < b)
    }

    @Test func calendarRoundTripsOverFourHundredYears() {
        // Every day of a full Gregorian cycle around the epoch, through both directions.
        for n in Int64(-73_000)...Int64(73_000) {
            let day = Day(daysSinceEpoch: n)
            #expect(day.daysSinceEpoch == n)
            if n % 9973 == 0 { #expect(Day.parse(day.iso) == day) }
        }
    }

    @Test func dayParsesOnlyTheCanonicalForm() throws {
        let d = try #require(Day.parse("2026-11-01"))
        #expect((d.year, d.month, d.day) == (2026, 11, 1))
        #expect(d.iso == "2026-11-01")
        #expect(d.daysSinceEpoch == 20758)
        for bad in ["2026-11-1", "2026-02-29", "2026-13-01", "0000-01-01", "2026/11/01", "2026-11-01T", " 2026-11-01", "+026-11-01"] {
            #expect(Day.parse(bad) == nil, "\(bad)")
        }
        #expect(Day.parse("2024-02-29") != nil)
        #expect(try #require(Day.parse("2026-10-31")) < d)
        #expect(Day(year: 2026, month: 2, day: 29) == nil)
    }
}
