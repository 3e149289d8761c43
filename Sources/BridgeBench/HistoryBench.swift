import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import LegacySQL
import Logging
import PostgresClient
import RedisClient
import StreamAgg
import Workload

/// Cost per record of each path on a fixed batch, after a given amount of history.
///
/// Both paths run in this process on the same records: the paths' own batch processors
/// (`StreamBatchDriver`, the stream engine's steps without its consumer; `LegacyProcessor`, what `bridge run` drives) are called with
/// the batch in chunks of the configured batch size, and only those calls are timed (no
/// consumer-group join, no polling). History is built up cumulatively on one set of topics:
/// the stream path applies every history record through its processor; the legacy path gets
/// the same history by COPY (raw rows decoded from the very same records, so its recomputes
/// scan real history; aggregate rows copied from the stream store, which holds the same
/// values), since running a million events through the legacy path takes about an hour.
struct HistoryBench {
    struct Point {
        var historyEvents: Int
        var streamRecords: Int
        var streamSeconds: Double
        var legacyRecords: Int
        var legacySeconds: Double
        var streamRate: Double { Double(streamRecords) / streamSeconds }
        var legacyRate: Double { Double(legacyRecords) / legacySeconds }
    }

    let configuration: BridgeConfiguration
    let contacts: Int
    let sizes: [Int]
    /// Message events in each measured batch (the stream path processes all of them).
    let batchEvents: Int
    /// How many of the batch's records the legacy path processes (it is ~100x slower).
    let legacyBatchRecords: Int
    let seed: UInt64
    let logger: Logger
    let progress: @Sendable (String) -> Void

    func run() async throws -> [Point] {
        let config = configuration
        try await KafkaAdmin(configuration: config.kafka).createTopics(config.topics.all, partitions: config.partitions)
        let producer = try KafkaProducer(configuration: config.kafka)
        let redis = try await RedisClient(configuration: try config.redis(), name: "bench-stream-export")
        let stream = try await StreamBatchDriver(configuration: config, partitionCount: config.partitions, logger: logger)
        let legacy = try await LegacyPath.makeProcessor(configuration: config, logger: logger)
        defer {
            redis.close()
            legacy.postgres.close()
        }
        var points: [Point] = []
        var next: [TopicPartition: Int64] = [:]
        var appliedEvents = 0
        var legacyPending: [KafkaRecord] = []
        var step: UInt64 = 0
        do {
            for size in sizes.sorted() where size > appliedEvents || appliedEvents == 0 {
                // History up to `size` events: stream by its processor, legacy by COPY.
                step += 1
                let history = try await produceAndRead(events: size - appliedEvents, seed: seed &+ step,
                                                       continuation: appliedEvents > 0, producer: producer, next: &next)
                progress("history \(size): stream applying \(history.count) records")
                try await process(history, with: stream.apply)
                legacyPending += history
                progress("history \(size): legacy loading \(legacyPending.count) records by COPY")
                try await loadLegacy(legacyPending, postgres: legacy.postgres, redis: redis)
                legacyPending = []
                appliedEvents = size

                // The measured batch.
                step += 1
                let batch = try await produceAndRead(events: batchEvents, seed: seed &+ step, continuation: true,
                                                     producer: producer, next: &next)
                let streamSeconds = try await process(batch, with: stream.apply)
                let legacyCount = min(legacyBatchRecords, batch.count)
                let legacySeconds = try await process(Array(batch[..<legacyCount]), with: legacy.process)
                legacyPending = Array(batch[legacyCount...])
                appliedEvents += batchEvents
                let point = Point(historyEvents: size, streamRecords: batch.count, streamSeconds: streamSeconds,
                                  legacyRecords: legacyCount, legacySeconds: legacySeconds)
                progress(String(format: "history %d: stream %.0f records/s, legacy %.0f records/s", size, point.streamRate, point.legacyRate))
                points.append(point)
            }
        } catch {
            await stream.close()
            await producer.close()
            await legacy.relay.producer.close()
            throw error
        }
        await stream.close()
        await producer.close()
        await legacy.relay.producer.close()
        return points
    }

    /// Produces `events` generated message events (with CRM updates; no malformed records)
    /// over the same contacts and reads them back with their offsets.
    private func produceAndRead(events: Int, seed: UInt64, continuation: Bool, producer: KafkaProducer,
                                next: inout [TopicPartition: Int64]) async throws -> [KafkaRecord] {
        let generator = WorkloadGenerator(contacts: contacts, events: events, seed: seed, invalidShare: 0)
        let records = try BenchTopics.generated(generator, topics: configuration.topics, skipInitialContacts: continuation)
        try await WorkloadProducer.send(records, with: producer)
        let read = try await BenchTopics.read(configuration.topics.inputs, from: next, configuration: configuration)
        next = BenchTopics.nextOffsets(after: read, merging: next)
        return read
    }

    /// Runs the records through a path's batch step in batches of the configured size, as
    /// `bridge run` would (the stream path's stages one after the other, not overlapped);
    /// returns the seconds spent in the steps.
    @discardableResult
    private func process(_ records: [KafkaRecord], with step: (_ batch: [KafkaRecord]) async throws -> Void) async throws -> Double {
        let size = configuration.tuning.batchSize
        var seconds = 0.0
        for start in stride(from: 0, to: records.count, by: size) {
            let batch = Array(records[start..<min(start + size, records.count)])
            let started = ContinuousClock.now
            try await step(batch)
            seconds += (ContinuousClock.now - started).inSeconds
        }
        return seconds
    }

    /// Raw rows of `records` by COPY, then the aggregate tables replaced by the stream store's
    /// rows (equal by the contract; the comparator checks that elsewhere).
    private func loadLegacy(_ records: [KafkaRecord], postgres: PostgresClient, redis: RedisClient) async throws {
        var contactRows: [[String?]] = []
        var eventRows: [[String?]] = []
        for r in records {
            guard let input = configuration.topics.input(r.topic),
                  case .success(let decoded) = RecordDecoder.decode(topic: input, key: r.key, value: r.value) else { continue }
            let coordinates: [String?] = [r.topic, String(r.partition), String(r.offset)]
            switch decoded {
            case .contact(let c):
                contactRows.append(coordinates + [c.contactId, c.campusId, c.firstName, c.phone, c.optedOut ? "t" : "f", c.updatedAt.iso8601])
            case .event(let e):
                eventRows.append(coordinates + [e.eventId, e.contactId, e.campusId, e.campaignId, e.kind.rawValue, e.at.iso8601, e.at.utcDay.iso])
            }
        }
        let store = StreamStore(redis: redis, prefix: configuration.topicPrefix)
        let summaries: [[String?]] = try await store.contactSummaries().map { r in
            [r.contactId, r.campusId, r.firstName, r.phone, r.optedOut ? "t" : "f", String(r.messagesSent), String(r.messagesDelivered),
             String(r.messagesFailed), String(r.replies), String(r.campaigns), r.firstEventAt?.iso8601, r.lastSentAt?.iso8601, r.lastReplyAt?.iso8601]
        }
        let days: [[String?]] = try await store.campusDaily().map { d in
            [d.campusId, d.day.iso, String(d.sent), String(d.delivered), String(d.failed), String(d.replies), String(d.optOuts), String(d.activeContacts)]
        }
        let (contactRaw, eventRaw) = (contactRows, eventRows)
        try await postgres.withConnection { conn in
            try conn.transaction { conn in
                for start in stride(from: 0, to: contactRaw.count, by: 100_000) {
                    try conn.copyIn(table: "legacy.contact_records", columns: ["source_topic", "kafka_partition", "kafka_offset", "contact_id",
                        "campus_id", "first_name", "phone", "opted_out", "updated_at"], rows: Array(contactRaw[start..<min(start + 100_000, contactRaw.count)]))
                }
                for start in stride(from: 0, to: eventRaw.count, by: 100_000) {
                    try conn.copyIn(table: "legacy.message_events", columns: ["source_topic", "kafka_partition", "kafka_offset", "event_id",
                        "contact_id", "campus_id", "campaign_id", "kind", "at", "day"], rows: Array(eventRaw[start..<min(start + 100_000, eventRaw.count)]))
                }
                try conn.query("TRUNCATE legacy.contact_summary, legacy.campus_daily")
                try conn.copyIn(table: "legacy.contact_summary", columns: ["contact_id", "campus_id", "first_name", "phone", "opted_out",
                    "messages_sent", "messages_delivered", "messages_failed", "replies", "campaigns", "first_event_at", "last_sent_at", "last_reply_at"],
                    rows: summaries)
                try conn.copyIn(table: "legacy.campus_daily", columns: ["campus_id", "day", "sent", "delivered", "failed", "replies",
                    "opt_outs", "active_contacts"], rows: days)
            }
            try conn.query("ANALYZE legacy.contact_summary, legacy.contact_records, legacy.message_events, legacy.campus_daily")
        }
    }
}
