import BridgeModel
import BridgeSupport
import KafkaClient
import PostgresClient

/// Turns a consumed batch into the legacy worker's procedure calls, in batch order: one call
/// per record (as the legacy system made them), then one offset update per partition.
enum LegacyStatements {
    static func forBatch(_ batch: [KafkaRecord], topics: TopicNames) -> (statements: [PostgresQuery], rejected: Int) {
        var statements: [PostgresQuery] = []
        statements.reserveCapacity(batch.count + 8)
        var rejected = 0
        for record in batch {
            guard let input = topics.input(record.topic) else {
                rejected += 1
                statements.append(recordDeadLetter(record, reason: "not an input topic of the legacy path"))
                continue
            }
            switch RecordDecoder.decode(topic: input, key: record.key, value: record.value) {
            case .success(.contact(let c)):
                statements.append(ingestContact(record, c))
            case .success(.event(let e)):
                statements.append(ingestEvent(record, e))
            case .failure(let rejection):
                rejected += 1
                statements.append(recordDeadLetter(record, reason: rejection.reason))
            }
        }
        for (tp, offset) in batch.nextOffsets.sorted(by: { $0.key < $1.key }) {
            statements.append(recordAppliedOffset(tp, next: offset))
        }
        return (statements, rejected)
    }

    // Every procedure takes the record's coordinates first: topic, partition, offset.

    static func ingestContact(_ record: KafkaRecord, _ c: ContactUpdate) -> PostgresQuery {
        """
        SELECT legacy.ingest_contact(\(record.topic), \(record.partition)::int, \(record.offset)::bigint, \
        \(c.contactId), \(c.campusId), \(c.firstName), \(c.phone), \(c.optedOut)::boolean, \(c.updatedAt.iso8601)::timestamptz)
        """
    }

    static func ingestEvent(_ record: KafkaRecord, _ e: MessageEvent) -> PostgresQuery {
        """
        SELECT legacy.ingest_event(\(record.topic), \(record.partition)::int, \(record.offset)::bigint, \
        \(e.eventId), \(e.contactId), \(e.campusId), \(e.campaignId), \(e.kind.rawValue), \(e.at.iso8601)::timestamptz)
        """
    }

    static func recordDeadLetter(_ record: KafkaRecord, reason: String) -> PostgresQuery {
        """
        SELECT legacy.record_dead_letter(\(record.topic), \(record.partition)::int, \(record.offset)::bigint, \
        \(reason), \(record.value)::bytea)
        """
    }

    static func recordAppliedOffset(_ tp: TopicPartition, next offset: Int64) -> PostgresQuery {
        "SELECT legacy.record_applied_offset(\(tp.topic), \(tp.partition)::int, \(offset)::bigint)"
    }
}
