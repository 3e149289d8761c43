/// The key of a `campus_daily` row. Identity and order are byte-wise on `campusId` (see
/// `ByteString`), then by day, matching PostgreSQL's primary key and the Kafka key.
package struct CampusDayKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var campusId: String
    package var day: Day

    package init(campusId: String, day: Day) {
        self.campusId = campusId
        self.day = day
    }

    /// Parses `kafkaKey` back. The day is taken after the last '|', so campus ids containing '|'
    /// survive the round trip.
    package init?(kafkaKey: String) {
        guard let bar = kafkaKey.utf8.lastIndex(of: UInt8(ascii: "|")) else { return nil }
        let campus = String(decoding: kafkaKey.utf8[..<bar], as: UTF8.self)
        let dayText = String(decoding: kafkaKey.utf8[kafkaKey.utf8.index(after: bar)...], as: UTF8.self)
        guard !campus.isEmpty, let day = Day.parse(dayText) else { return nil }
        self.init(campusId: campus, day: day)
    }

    /// "campus_id|YYYY-MM-DD", the record key on `campus-daily.stream`.
    package var kafkaKey: String { campusId + "|" + day.iso }

    package var description: String { kafkaKey }

    package static func == (lhs: CampusDayKey, rhs: CampusDayKey) -> Bool {
        lhs.day == rhs.day && ByteString.equal(lhs.campusId, rhs.campusId)
    }

    package static func < (lhs: CampusDayKey, rhs: CampusDayKey) -> Bool {
        let c = ByteString.compare(lhs.campusId, rhs.campusId)
        return c != 0 ? c < 0 : lhs.day < rhs.day
    }

    package func hash(into hasher: inout Hasher) {
        ByteString.hash(campusId, into: &hasher)
        hasher.combine(day)
    }
}
