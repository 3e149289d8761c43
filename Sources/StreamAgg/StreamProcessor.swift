import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import Logging
import RedisClient

/// The stream path's batch step: decode, group by contact, fold each share of groups on its own
/// Redis connection in one pipelined round trip, publish what changed, then record the applied
/// offsets in Redis. The input loop commits to Kafka only after `process` returns.
public struct StreamProcessor: BatchProcessor {
    public let path = "stream"
    let configuration: BridgeConfiguration
    /// One connection per share; the first also serves offsets and the final reads.
    let redis: [RedisClient]
    let producer: KafkaProducer
    let deadLetters: DeadLetterPublisher
    let keys: StreamKeys
    let offsets: StreamOffsetStore
    let logger: Logger
    private let metrics = StreamMetrics()

    public init(configuration: BridgeConfiguration, redis: [RedisClient], producer: KafkaProducer, logger: Logger) {
        precondition(!redis.isEmpty, "the stream path needs at least one Redis client")
        self.configuration = configuration
        self.redis = redis
        self.producer = producer
        self.deadLetters = DeadLetterPublisher(producer: producer, topic: configuration.topics.deadLetter, path: "stream")
        self.keys = StreamKeys(prefix: configuration.topicPrefix)
        self.offsets = StreamOffsetStore(redis: redis[0], keys: keys)
        self.logger = logger
    }

    public func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        try offsets.startOffsets(for: partitions)
    }

    public func process(_ batch: [KafkaRecord]) async throws {
        if batch.isEmpty { return }
        let grouping = BatchGrouping(batch, topics: configuration.topics)
        try await publishDeadLetters(grouping.rejected)

        // Announced before the fold: a comparison that sees state ahead of the applied offsets
        // must know it (the rows of a batch in flight are not at any cut).
        try await offsets.advance(nextOffsets(batch), in: keys.folding)
        let results = try await fold(grouping)
        let summaries = results.filter(\.needsPublish).map(\.summary)
        var touched: [String] = []
        var seen: Set<[UInt8]> = []
        for result in results {
            for day in result.touchedDays where seen.insert(Array(day.utf8)).inserted { touched.append(day) }
        }
        // Read the days after every share has finished, so each published value includes all
        // of this batch's events for that day.
        let days = try await readDays(touched)

        let topics = configuration.topics
        var outgoing = summaries.map { OutgoingRecord(topic: topics.contactSummaryStream, key: $0.contactId, value: $0.json) }
        outgoing += days.map { OutgoingRecord(topic: topics.campusDailyStream, key: $0.key.kafkaKey, value: $0.json) }
        try await producer.send(outgoing)
        metrics.published.increment(by: outgoing.count)
        try await settle(days)
        recordLatency(grouping)

        try await offsets.advance(nextOffsets(batch), in: keys.offsets)
    }

    public func finish() async throws {
        try await producer.flush()
    }

    /// Each share on its own connection, all of a share's groups in one pipelined round trip of
    /// script calls folding `ContactFoldScript.contactsPerCall` contacts each.
    func fold(_ grouping: BatchGrouping) async throws -> [ContactFoldResult] {
        let shares = grouping.shares(redis.count)
        metrics.groups.record(grouping.groups.count)
        let layout = keys
        let clients = redis
        let results = try await withThrowingTaskGroup(of: [ContactFoldResult].self) { tasks in
            for (index, share) in shares.enumerated() {
                tasks.addTask {
                    let chunks = stride(from: 0, to: share.count, by: ContactFoldScript.contactsPerCall).map {
                        share[$0..<min($0 + ContactFoldScript.contactsPerCall, share.count)]
                    }
                    let calls = chunks.map { ContactGroup.scriptCall($0, keys: layout) }
                    let replies = try await clients[index].withConnection {
                        try $0.evaluatePipelined(ContactFoldScript.script, calls: calls)
                    }
                    var results: [ContactFoldResult] = []
                    results.reserveCapacity(share.count)
                    for (chunk, reply) in zip(chunks, replies) {
                        guard let perContact = try reply.check().array, perContact.count == chunk.count else {
                            throw StreamError.unexpectedReply("contact fold of \(chunk.count) contacts", reply)
                        }
                        for (group, result) in zip(chunk, perContact) {
                            results.append(try ContactFoldResult(reply: result, contactId: group.contactId))
                        }
                    }
                    return results
                }
            }
            var all: [ContactFoldResult] = []
            for try await part in tasks { all += part }
            return all
        }
        metrics.roundTrips.increment(by: shares.count)
        metrics.applied.increment(by: results.reduce(0) { $0 + $1.applied })
        metrics.skipped.increment(by: results.reduce(0) { $0 + $1.skipped })
        metrics.duplicates.increment(by: results.reduce(0) { $0 + $1.duplicates })
        return results
    }

    /// Makes the last value on `campus-daily.stream` the stored one when several instances
    /// count into the same campus-day: another instance may have counted between our read and
    /// our publish, and its publish may have reached the topic first. Once ours is acknowledged
    /// the days are read again and whatever changed is published again, until nothing did.
    /// Counters only grow, so a day that reads the same as published has no later publish in
    /// flight from anyone whose count it does not include. With one instance nothing changes
    /// and this costs one pipelined read per batch.
    private func settle(_ published: [CampusDailyRow]) async throws {
        var last = published
        while !last.isEmpty {
            let now = try await readDays(last.map(\.key.kafkaKey))
            let changed = zip(last, now).filter { $0.0 != $0.1 }.map(\.1)
            if changed.isEmpty { return }
            let topic = configuration.topics.campusDailyStream
            try await producer.send(changed.map { OutgoingRecord(topic: topic, key: $0.key.kafkaKey, value: $0.json) })
            metrics.published.increment(by: changed.count)
            last = changed
        }
    }

    /// The final values of the given campus-days, in one pipeline.
    private func readDays(_ suffixes: [String]) async throws -> [CampusDailyRow] {
        if suffixes.isEmpty { return [] }
        let rows = try await StoredRowReader(redis: redis[0], keys: keys).days(suffixes)
        metrics.roundTrips.increment()
        return rows
    }

    /// Publishes the rejected records that were not dead-lettered before (a replay re-reads
    /// them), then remembers how far each partition has been dead-lettered.
    private func publishDeadLetters(_ rejected: [(KafkaRecord, Rejection)]) async throws {
        if rejected.isEmpty { return }
        let partitions = Array(Set(rejected.map { $0.0.topicPartition }))
        let done = try await offsets.read(partitions, in: keys.deadLetters)
        let fresh = rejected.filter { $0.0.offset >= (done[$0.0.topicPartition] ?? 0) }
        if fresh.isEmpty { return }
        try await deadLetters.publish(fresh)
        metrics.deadLetters.increment(by: fresh.count)
        try await offsets.advance(nextOffsets(fresh.map(\.0)), in: keys.deadLetters)
    }

    private func nextOffsets(_ records: [KafkaRecord]) -> [TopicPartition: Int64] {
        var next: [TopicPartition: Int64] = [:]
        for record in records { next[record.topicPartition] = max(next[record.topicPartition] ?? 0, record.offset + 1) }
        return next
    }

    /// From each valid record's Kafka timestamp to now, when its effect has been published.
    private func recordLatency(_ grouping: BatchGrouping) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for group in grouping.groups {
            for entry in group.entries {
                if let ts = entry.timestampMillis, ts > 0 { metrics.endToEnd.recordMilliseconds(max(0, now - ts)) }
            }
        }
    }
}
