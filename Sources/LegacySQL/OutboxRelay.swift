import BridgeModel
import BridgeSupport
import KafkaClient
import PostgresClient

/// Publishes the legacy path's transactional outboxes: changed summaries to
/// `contact-summary.legacy`, invalid records to `bridge.dead-letter`. At least once and in id
/// order: rows are marked published only after the broker acknowledged them, so a crash in
/// between republishes them, which downstream tolerates because a later copy of a key carries
/// the same or a newer row.
package struct OutboxRelay: Sendable {
    package let postgres: PostgresClient
    package let producer: KafkaProducer
    package let summaryTopic: String
    package let deadLetters: DeadLetterPublisher
    package let chunkSize: Int

    /// Dead-letter payloads may be megabytes each, so they are read in far smaller chunks.
    static let deadLetterChunkSize = 50

    /// Serialises relays of different processes sharing this database: two relays publishing
    /// overlapping chunks concurrently could put an older copy of a key after a newer one.
    static let relayLockKey: Int64 = 0x6C65_6761_6379_5231 // "legacyR1"

    package init(postgres: PostgresClient, producer: KafkaProducer, topics: TopicNames, chunkSize: Int = 5000) {
        self.postgres = postgres
        self.producer = producer
        self.summaryTopic = topics.contactSummaryLegacy
        self.deadLetters = DeadLetterPublisher(producer: producer, topic: topics.deadLetter, path: LegacyPath.name)
        self.chunkSize = chunkSize
    }

    /// Publishes every unpublished row of both outboxes, returning how many it published.
    @discardableResult
    package func drain() async throws -> (summaries: Int, deadLetters: Int) {
        let key = Self.relayLockKey
        try await postgres.query("SELECT pg_advisory_lock(\(key)::bigint)")
        do {
            var summaries = 0
            while true {
                let n = try await publishSummaries()
                summaries += n
                if n < chunkSize { break }
            }
            var letters = 0
            while true {
                let n = try await publishDeadLetters()
                letters += n
                if n < Self.deadLetterChunkSize { break }
            }
            try await unlock()
            return (summaries, letters)
        } catch {
            // The session outlives this call, so the lock must not: its count would stay raised.
            try? await unlock()
            throw error
        }
    }

    private func unlock() async throws {
        let key = Self.relayLockKey
        try await postgres.query("SELECT pg_advisory_unlock(\(key)::bigint)")
    }

    private func publishSummaries() async throws -> Int {
        let limit = Int64(chunkSize)
        let chunk = try await postgres.withConnection { conn in
            try conn.query("""
                SELECT id, \(fragment: SummaryRowReader.selectList)
                  FROM legacy.summary_outbox
                 WHERE published_at IS NULL
                 ORDER BY id
                 LIMIT \(limit)
                """).map { r in (id: try r.int(0), row: try SummaryRowReader.row(r, from: 1)) }
        }
        if chunk.isEmpty { return 0 }
        let topic = summaryTopic
        try await producer.send(chunk.map { OutgoingRecord(topic: topic, key: $0.row.contactId, value: $0.row.json) })
        try await markPublished(table: "legacy.summary_outbox", ids: chunk.map(\.id))
        return chunk.count
    }

    private func publishDeadLetters() async throws -> Int {
        let limit = Int64(Self.deadLetterChunkSize)
        let chunk = try await postgres.withConnection { conn in
            try conn.query("""
                SELECT id, source_topic, kafka_partition, kafka_offset, reason, payload
                  FROM legacy.dead_letter_outbox
                 WHERE published_at IS NULL
                 ORDER BY id
                 LIMIT \(limit)
                """).map { r in
                // The outbox keeps no key: the letter names the record by its coordinates.
                (id: try r.int(0),
                 reason: try r.string(4),
                 record: KafkaRecord(topic: try r.string(1), partition: Int32(try r.int(2)), offset: try r.int(3),
                                     key: nil, value: try r.optionalBytes(5)))
            }
        }
        if chunk.isEmpty { return 0 }
        let publisher = deadLetters
        try await producer.send(chunk.map { publisher.record(for: $0.record, reason: $0.reason) })
        publisher.countPublished(chunk.count)
        try await markPublished(table: "legacy.dead_letter_outbox", ids: chunk.map(\.id))
        return chunk.count
    }

    private func markPublished(table: PostgresIdentifier, ids: [Int64]) async throws {
        let list = "{" + ids.map(String.init).joined(separator: ",") + "}"
        try await postgres.query("UPDATE \(identifier: table) SET published_at = now() WHERE id = ANY(\(list)::bigint[])")
    }
}
