import BridgeModel
import KafkaClient
import PostgresClient

/// Remembers each partition's offsets per round in PostgreSQL (bridge.comparison_offsets) and
/// decides which partitions are stale: the offsets differ and the lagging path has not reached
/// what the leading path had applied `graceSeconds` ago (by the database's clock, so several
/// bridge hosts agree). Until a round that old exists, lag is just lag.
struct StalenessTracker: Sendable {
    let postgres: PostgresClient

    /// Records this round's observation and returns the stale partitions among `states`.
    func observe(_ states: [PartitionState], graceSeconds: Double) async throws -> Set<TopicPartition> {
        if states.isEmpty { return [] }
        let observation = "[" + states.map { s in
            "{\"topic\":\(JSONText.string(s.partition.topic)),\"partition\":\(s.partition.partition),\"legacy\":\(s.legacy),\"stream\":\(s.stream)}"
        }.joined(separator: ",") + "]"
        let grace = graceSeconds
        let earlier = try await postgres.withConnection { conn in
            try conn.transaction { conn in
                try conn.query("""
                    INSERT INTO bridge.comparison_offsets (observed_at, source_topic, kafka_partition, legacy_next, stream_next)
                    SELECT now(), o.topic, o.partition, o.legacy, o.stream
                      FROM jsonb_to_recordset(\(observation)::jsonb) AS o(topic text, partition int, legacy bigint, stream bigint)
                    ON CONFLICT DO NOTHING
                    """)
                // Everything older than the newest observation past the grace is never needed again.
                try conn.query("""
                    DELETE FROM bridge.comparison_offsets o
                     USING (SELECT source_topic, kafka_partition, max(observed_at) AS keep
                              FROM bridge.comparison_offsets
                             WHERE observed_at <= now() - make_interval(secs => \(grace)::double precision)
                             GROUP BY source_topic, kafka_partition) k
                     WHERE o.source_topic = k.source_topic AND o.kafka_partition = k.kafka_partition
                       AND o.observed_at < k.keep
                    """)
                return try conn.query("""
                    SELECT DISTINCT ON (source_topic, kafka_partition) source_topic, kafka_partition, legacy_next, stream_next
                      FROM bridge.comparison_offsets
                     WHERE observed_at <= now() - make_interval(secs => \(grace)::double precision)
                     ORDER BY source_topic, kafka_partition, observed_at DESC
                    """).map { r in
                    (TopicPartition(try r.string(0), Int32(try r.int(1))), (legacy: try r.int(2), stream: try r.int(3)))
                }
            }
        }
        let then = Dictionary(earlier, uniquingKeysWith: { a, _ in a })
        var stale: Set<TopicPartition> = []
        for s in states where s.legacy != s.stream {
            guard let old = then[s.partition] else { continue }
            // The leading path's offset grace seconds ago is the bar the lagging one must clear.
            let (lagging, bar) = s.legacy < s.stream ? (s.legacy, old.stream) : (s.stream, old.legacy)
            if lagging < bar { stale.insert(s.partition) }
        }
        return stale
    }
}
