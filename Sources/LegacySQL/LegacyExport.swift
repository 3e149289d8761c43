import BridgeModel
import BridgeSupport
import KafkaClient
import PostgresClient

/// The legacy store's aggregates as rows, for `bridge export --source legacy` and the
/// comparator. Ordered like `ReferenceFold`'s rows: strings byte-wise (COLLATE "C", whatever
/// the database's default collation), then day.
package struct LegacyExport: Sendable {
    package let postgres: PostgresClient

    package init(postgres: PostgresClient) {
        self.postgres = postgres
    }

    package func contactSummaries() async throws -> [ContactSummaryRow] {
        try await postgres.withConnection { conn in
            try conn.query("""
                SELECT \(fragment: SummaryRowReader.selectList)
                  FROM legacy.contact_summary
                 ORDER BY contact_id COLLATE "C"
                """).map { try SummaryRowReader.row($0) }
        }
    }

    package func campusDaily() async throws -> [CampusDailyRow] {
        try await postgres.withConnection { try Self.campusDaily($0) }
    }

    /// `legacy.applied_offsets`: the next offset to consume per input partition.
    package func appliedOffsets() async throws -> [TopicPartition: Int64] {
        try await postgres.withConnection { try Self.appliedOffsets($0) }
    }

    /// Rows, per-contact partitions and applied offsets from one snapshot (see `LegacySnapshot`).
    package func snapshot() async throws -> LegacySnapshot {
        try await postgres.withConnection { conn in
            try Self.repeatableRead(conn) { conn in
                let (contacts, partitions) = try Self.contactsWithPartitions(conn, buckets: nil)
                return LegacySnapshot(contacts: contacts, contactPartitions: partitions,
                                      campusDaily: try Self.campusDaily(conn), appliedOffsets: try Self.appliedOffsets(conn))
            }
        }
    }

    /// The first read of a checksummed round, in one snapshot: the applied offsets; if
    /// `proceed` accepts them, the bucket sums of contact digests and the campus-day rows.
    /// Returns nil, having read nothing more, when `proceed` refuses the offsets. `verify` sums
    /// digests recomputed from the rows instead of the maintained ones.
    package func digestSums(verify: Bool = false, proceed: @escaping @Sendable ([TopicPartition: Int64]) -> Bool) async throws -> LegacyDigestSums? {
        try await postgres.withConnection { conn in
            try Self.repeatableRead(conn) { conn in
                let offsets = try Self.appliedOffsets(conn)
                guard proceed(offsets) else { return nil }
                let rows = verify ? try conn.query(LegacyDigestSQL.recomputedBucketSums) : try conn.query(LegacyDigestSQL.bucketSums)
                let sums = try rows.map { r in (Int(try r.int(0)), BucketDigest(contacts: try r.int(1), sum: try r.int(2))) }
                return LegacyDigestSums(appliedOffsets: offsets, buckets: Dictionary(uniqueKeysWithValues: sums),
                                        campusDaily: try Self.campusDaily(conn))
            }
        }
    }

    /// The second read of a checksummed round: the contacts of the given buckets with their
    /// partitions, or nil if the applied offsets are no longer `offsets` (the store moved on
    /// since the sums, so these rows would not be the ones summed).
    package func contacts(inBuckets buckets: [Int], at offsets: [TopicPartition: Int64]) async throws
        -> (contacts: [ContactSummaryRow], partitions: [[TopicPartition]])? {
        if buckets.isEmpty { return ([], []) }
        return try await postgres.withConnection { conn in
            try Self.repeatableRead(conn) { conn in
                guard try Self.appliedOffsets(conn) == offsets else { return nil }
                let (contacts, partitions) = try Self.contactsWithPartitions(conn, buckets: buckets)
                return (contacts, partitions)
            }
        }
    }

    /// One contact's row, the input partitions of its raw records and the applied offsets, from
    /// one snapshot.
    package func contact(_ contactId: String) async throws -> StoredKey<ContactSummaryRow> {
        try await postgres.withConnection { conn in
            try Self.repeatableRead(conn) { conn in
                let row = try conn.query("""
                    SELECT \(fragment: SummaryRowReader.selectList) FROM legacy.contact_summary WHERE contact_id = \(contactId)
                    """).map { try SummaryRowReader.row($0) }.first
                let partitions = try conn.query("""
                    SELECT source_topic, kafka_partition FROM legacy.contact_records WHERE contact_id = \(contactId)
                    UNION
                    SELECT source_topic, kafka_partition FROM legacy.message_events WHERE contact_id = \(contactId)
                    """).map { TopicPartition(try $0.string(0), Int32(try $0.int(1))) }
                return StoredKey(row: row, partitions: partitions.sorted(), appliedOffsets: try Self.appliedOffsets(conn))
            }
        }
    }

    /// One campus-day's row and the applied offsets, from one snapshot. Its records may lie in
    /// any partition, so no partitions are named.
    package func campusDay(_ key: CampusDayKey) async throws -> StoredKey<CampusDailyRow> {
        try await postgres.withConnection { conn in
            try Self.repeatableRead(conn) { conn in
                let row = try conn.query("""
                    SELECT \(fragment: Self.campusDailyColumns) FROM legacy.campus_daily
                     WHERE campus_id = \(key.campusId) AND day = DATE '1970-01-01' + \(key.day.daysSinceEpoch)::int
                    """).map(Self.campusDailyRow).first
                return StoredKey(row: row, partitions: [], appliedOffsets: try Self.appliedOffsets(conn))
            }
        }
    }

    private static func repeatableRead<T>(_ conn: PostgresConnection, _ body: (PostgresConnection) throws -> T) throws -> T {
        try conn.transaction { conn in
            try conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try body(conn)
        }
    }

    /// Contact rows ordered by contact_id byte-wise, each with the input partitions of its raw
    /// records: every contact, or those of the given digest buckets.
    static func contactsWithPartitions(_ conn: PostgresConnection, buckets: [Int]?)
        throws -> ([ContactSummaryRow], [[TopicPartition]]) {
        if buckets?.isEmpty == true { return ([], []) }
        // The raw tables are the only record of which partitions fed a contact; one contact has
        // at most one partition per topic, so the list stays tiny.
        let rows: PostgresRows
        if let buckets {
            rows = try conn.query("""
                WITH chosen AS (
                    SELECT contact_id FROM legacy.contact_summary WHERE \(fragment: LegacyDigestSQL.inBuckets(buckets))),
                parts AS (
                    SELECT contact_id, string_agg(source_topic || '|' || kafka_partition, ',') AS partitions
                      FROM (SELECT contact_id, source_topic, kafka_partition FROM legacy.contact_records
                             WHERE contact_id IN (SELECT contact_id FROM chosen)
                            UNION
                            SELECT contact_id, source_topic, kafka_partition FROM legacy.message_events
                             WHERE contact_id IN (SELECT contact_id FROM chosen)) raw
                     GROUP BY contact_id)
                SELECT \(fragment: SummaryRowReader.selectList), parts.partitions
                  FROM legacy.contact_summary JOIN chosen USING (contact_id) LEFT JOIN parts USING (contact_id)
                 ORDER BY contact_id COLLATE "C"
                """)
        } else {
            rows = try conn.query("""
                WITH parts AS (
                    SELECT contact_id, string_agg(source_topic || '|' || kafka_partition, ',') AS partitions
                      FROM (SELECT contact_id, source_topic, kafka_partition FROM legacy.contact_records
                            UNION
                            SELECT contact_id, source_topic, kafka_partition FROM legacy.message_events) raw
                     GROUP BY contact_id)
                SELECT \(fragment: SummaryRowReader.selectList), parts.partitions
                  FROM legacy.contact_summary LEFT JOIN parts USING (contact_id)
                 ORDER BY contact_id COLLATE "C"
                """)
        }
        let pairs = try rows.map { r in
            (try SummaryRowReader.row(r), Self.partitions(r.optionalString(SummaryRowReader.columnCount)))
        }
        return (pairs.map(\.0), pairs.map(\.1))
    }

    /// The columns of a campus-day row: the day as a day number avoids depending on the
    /// session's DateStyle.
    static let campusDailyColumns: PostgresQuery = """
        campus_id, (day - DATE '1970-01-01')::bigint, sent, delivered, failed, replies, opt_outs, active_contacts
        """

    static func campusDaily(_ conn: PostgresConnection) throws -> [CampusDailyRow] {
        try conn.query("""
            SELECT \(fragment: campusDailyColumns)
              FROM legacy.campus_daily
             ORDER BY campus_id COLLATE "C", day
            """).map(campusDailyRow)
    }

    static func campusDailyRow(_ r: PostgresRow) throws -> CampusDailyRow {
        CampusDailyRow(campusId: try r.string(0), day: Day(daysSinceEpoch: try r.int(1)),
                       sent: try r.int(2), delivered: try r.int(3), failed: try r.int(4),
                       replies: try r.int(5), optOuts: try r.int(6), activeContacts: try r.int(7))
    }

    static func appliedOffsets(_ conn: PostgresConnection) throws -> [TopicPartition: Int64] {
        let rows = try conn.query("SELECT source_topic, kafka_partition, next_offset FROM legacy.applied_offsets").map { r in
            (TopicPartition(try r.string(0), Int32(try r.int(1))), try r.int(2))
        }
        return Dictionary(rows, uniquingKeysWith: max)
    }

    /// "topic|partition,topic|partition" as aggregated above; topic names cannot hold ',' or '|'.
    static func partitions(_ text: String?) -> [TopicPartition] {
        guard let text else { return [] }
        return text.split(separator: ",").compactMap { item in
            guard let bar = item.lastIndex(of: "|"), let p = Int32(item[item.index(after: bar)...]) else { return nil }
            return TopicPartition(String(item[..<bar]), p)
        }.sorted()
    }
}
