import BridgeModel
import BridgeSupport
import KafkaClient
import PostgresClient

/// Turns a consumed batch into the legacy worker's procedure calls, in batch order: one call
/// per record (as the legacy system made them), then one offset update per partition.
enum LegacyStatements {
    typealias Statement = (sql: String, params: [PostgresValue])

    static let ingestContact =
        "SELECT legacy.ingest_contact($1, $2::int, $3::bigint, $4, $5, $6, $7, $8::boolean, $9::timestamptz)"
    static let ingestEvent =
        "SELECT legacy.ingest_event($1, $2::int, $3::bigint, $4, $5, $6, $7, $8, $9::timestamptz)"
    static let recordDeadLetter =
        "SELECT legacy.record_dead_letter($1, $2::int, $3::bigint, $4, $5::bytea)"
    static let recordAppliedOffset =
        "SELECT legacy.record_applied_offset($1, $2::int, $3::bigint)"

    static func forBatch(_ batch: [KafkaRecord], topics: TopicNames) -> (statements: [Statement], rejected: Int) {
        var statements: [Statement] = []
        statements.reserveCapacity(batch.count + 8)
        var rejected = 0
        var next: [TopicPartition: Int64] = [:]
        for record in batch {
            next[record.topicPartition] = max(next[record.topicPartition] ?? 0, record.offset + 1)
            let coordinates: [PostgresValue] = [.text(record.topic), .int(Int64(record.partition)), .int(record.offset)]
            guard let input = topics.input(record.topic) else {
                rejected += 1
                statements.append((recordDeadLetter, coordinates + [.text("not an input topic of the legacy path"),
                                                                    record.value.map(PostgresValue.bytea) ?? .null]))
                continue
            }
            switch RecordDecoder.decode(topic: input, key: record.key, value: record.value) {
            case .success(.contact(let c)):
                statements.append((ingestContact, coordinates + [
                    .text(c.contactId), .text(c.campusId), .text(c.firstName), .text(c.phone),
                    .bool(c.optedOut), .text(c.updatedAt.iso8601)]))
            case .success(.event(let e)):
                statements.append((ingestEvent, coordinates + [
                    .text(e.eventId), .text(e.contactId), .text(e.campusId), e.campaignId.postgres,
                    .text(e.kind.rawValue), .text(e.at.iso8601)]))
            case .failure(let rejection):
                rejected += 1
                statements.append((recordDeadLetter, coordinates + [.text(rejection.reason),
                                                                    record.value.map(PostgresValue.bytea) ?? .null]))
            }
        }
        for (tp, offset) in next.sorted(by: { $0.key < $1.key }) {
            statements.append((recordAppliedOffset, [.text(tp.topic), .int(Int64(tp.partition)), .int(offset)]))
        }
        return (statements, rejected)
    }
}
