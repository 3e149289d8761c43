import BridgeModel
import BridgeSupport
import Comparator
import Foundation
import KafkaClient
import Logging
import PostgresClient
import RedisClient
import SchemaMigrations
import StreamAgg
import Workload

/// The cost of one shadow comparison round at a given size, on a private slice of the
/// services (its own database and key prefix, removed afterwards).
///
/// The stream store is filled by the real stream path from a generated workload; the legacy
/// store is then loaded with the same rows by COPY (running the legacy path over a million
/// contacts would take most of an hour and measures something else: see `bench` of the paths).
/// Both stores then hold equal rows at equal offsets, which is the common case the comparator
/// must stay fast for.
///
/// `bridge bench compare` parses its options into one and runs it.
package struct CompareBenchmark {
    /// Contacts in the stores and message events in the workload.
    package var contacts: Int, events: Int
    /// Rounds to time (checksummed with the stream's maintained sums when the stores agree on
    /// their offsets), then verifying rounds (the stream's sums recomputed from its rows).
    package var rounds: Int, verifyRounds: Int

    package init(contacts: Int, events: Int, rounds: Int, verifyRounds: Int) {
        (self.contacts, self.events, self.rounds, self.verifyRounds) = (contacts, events, rounds, verifyRounds)
    }

    /// Fills the stores on a private database and prefix of `configuration`'s services, times
    /// the rounds and prints their table, then removes the database and keys. `runStreamPath`
    /// runs the stream path to idle on the configuration it is given: the executable passes its
    /// own components, so the benchmark runs exactly what `bridge run --stream` runs.
    package func run(on configuration: BridgeConfiguration,
                    runStreamPath: (BridgeConfiguration) async throws -> Void) async throws {
        var config = configuration
        let tag = "\(UInt32(Date().timeIntervalSince1970))"
        let database = "bridge_bench_\(tag)"
        let admin = try await PostgresClient(url: config.postgresURL)
        try await admin.query("CREATE DATABASE \(identifier: PostgresIdentifier(database))")
        let base = config.postgresURL[..<(config.postgresURL.lastIndex(of: "/") ?? config.postgresURL.endIndex)]
        config.postgresURL = "\(base)/\(database)"
        // Under the configured prefix, so a caller (`bench paths`) can find and remove the topics.
        config.topicPrefix = "\(config.topicPrefix)bench-\(tag)."

        // Cleaned up in line, not in a `defer { Task { ... } }`: a detached task may never run
        // before the process exits, and the database would be left behind.
        var failure: (any Error)?
        do {
            let postgres = try await PostgresClient(url: config.postgresURL)
            defer { postgres.close() }
            let redis = try await RedisClient(configuration: try config.redis())
            defer { redis.close() }
            do {
                try await measure(config, postgres: postgres, redis: redis, runStreamPath: runStreamPath)
            } catch {
                failure = error
            }
            _ = try? await redis.deleteKeys(matching: config.topicPrefix + "*")
        } catch {
            failure = error
        }
        _ = try? await admin.query("DROP DATABASE IF EXISTS \(identifier: PostgresIdentifier(database)) WITH (FORCE)")
        admin.close()
        if let failure { throw failure }
    }

    private func measure(_ config: BridgeConfiguration, postgres: PostgresClient, redis: RedisClient,
                         runStreamPath: (BridgeConfiguration) async throws -> Void) async throws {
        _ = try await Migrator(directory: Migrator.defaultDirectory()).apply(using: postgres)
        try await KafkaAdmin(configuration: config.kafka).createTopics(config.topics.inputs + [config.topics.contactSummaryStream,
                                                                                              config.topics.campusDailyStream,
                                                                                              config.topics.deadLetter],
                                                                       partitions: config.partitions)
        let producer = try KafkaProducer(configuration: config.kafka)
        let produced = try await WorkloadProducer(producer: producer, topics: config.topics)
            .produce(WorkloadGenerator(contacts: contacts, events: events, seed: 1, invalidShare: 0))
        await producer.close()
        var start = ContinuousClock.now
        try await runStreamPath(config)
        let streamSeconds = (ContinuousClock.now - start).inSeconds

        start = ContinuousClock.now
        let store = StreamStore(redis: redis, prefix: config.topicPrefix)
        try await loadLegacy(stored: try await store.contacts(), days: try await store.campusDaily(),
                             offsets: try await store.appliedOffsets(), topics: config.topics, postgres: postgres)
        let loadSeconds = (ContinuousClock.now - start).inSeconds

        let comparator = ShadowComparator(postgres: postgres, redis: redis, kafka: config.kafka, topics: config.topics, settings: try ComparatorSettings.fromEnvironment())
        print("| round | contacts compared | campus-days | clean | total ms | legacy read ms | stream read ms | compare ms | method |")
        print("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |")
        for verify in Array(repeating: false, count: rounds) + Array(repeating: true, count: verifyRounds) {
            let round = try await comparator.round(verify: verify)
            let o = round.outcome
            print("| \(round.id) | \(o.compared[.contactSummary] ?? 0) | \(o.compared[.campusDaily] ?? 0) | \(round.clean) | \(round.durationMillis) | \(round.legacyReadMillis) | \(round.streamReadMillis) | \(round.compareMillis) | \(round.method.description) |")
        }
        print(String(format: "\n%d contacts, %d records produced; stream path to idle %.1f s; legacy store loaded by COPY in %.1f s",
                     contacts, produced, streamSeconds, loadSeconds))
    }

    /// The same rows into the legacy tables, with one raw contact record per contact in its
    /// partition (the comparator learns a contact's partitions from the raw tables) and equal offsets.
    private func loadLegacy(stored: [StreamContact], days: [CampusDailyRow], offsets: [TopicPartition: Int64],
                            topics: TopicNames, postgres: PostgresClient) async throws {
        func time(_ t: Timestamp?) -> String? { t?.iso8601 }
        let summaries: [[String?]] = stored.map { s in
            let r = s.row
            return [r.contactId, r.campusId, r.firstName, r.phone, r.optedOut ? "t" : "f", String(r.messagesSent),
                    String(r.messagesDelivered), String(r.messagesFailed), String(r.replies), String(r.campaigns),
                    time(r.firstEventAt), time(r.lastSentAt), time(r.lastReplyAt)]
        }
        var contactRecords: [[String?]] = []
        var nextOffset: [Int32: Int] = [:]
        for s in stored {
            let offset = nextOffset[s.partition, default: 0]
            nextOffset[s.partition] = offset + 1
            contactRecords.append([topics.contacts, String(s.partition), String(offset), s.row.contactId, "x", "x", "x", "f", "2026-11-01T00:00:00Z"])
        }
        let dayRows: [[String?]] = days.map { d in
            [d.campusId, d.day.iso, String(d.sent), String(d.delivered), String(d.failed), String(d.replies), String(d.optOuts), String(d.activeContacts)]
        }
        let offsetRows: [[String?]] = offsets.map { [$0.key.topic, String($0.key.partition), String($0.value)] }
        let contactRaw = contactRecords
        try await postgres.withConnection { conn in
            try conn.transaction { conn in
                try conn.copyIn(table: "legacy.contact_summary", columns: ["contact_id", "campus_id", "first_name", "phone", "opted_out",
                    "messages_sent", "messages_delivered", "messages_failed", "replies", "campaigns", "first_event_at", "last_sent_at", "last_reply_at"],
                    rows: summaries)
                try conn.copyIn(table: "legacy.contact_records", columns: ["source_topic", "kafka_partition", "kafka_offset", "contact_id",
                    "campus_id", "first_name", "phone", "opted_out", "updated_at"], rows: contactRaw)
                try conn.copyIn(table: "legacy.campus_daily", columns: ["campus_id", "day", "sent", "delivered", "failed", "replies",
                    "opt_outs", "active_contacts"], rows: dayRows)
                try conn.copyIn(table: "legacy.applied_offsets", columns: ["source_topic", "kafka_partition", "next_offset"], rows: offsetRows)
            }
            try conn.query("ANALYZE legacy.contact_summary, legacy.contact_records, legacy.message_events, legacy.campus_daily")
        }
    }
}
