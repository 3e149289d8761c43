import BridgeModel
import BridgeSupport
import Foundation
import KafkaClient
import ServiceSupport

/// Judges contested keys against the log: reads the input records each key needs (each
/// partition once, from offset 0 up to what the stores applied), folds them with the
/// contract's reference fold, and compares both stored rows with the fold.
///
/// A key is `undetermined` when its fold cannot be rebuilt: a partition it needs no longer
/// starts at offset 0 (retention removed records), rebuilding it would take more than
/// `maxRecords` records, or the log ends before what a store applied.
package struct Adjudicator: Sendable {
    package let kafka: KafkaConfiguration
    package let topics: TopicNames
    package let rules: ComparisonRules
    package let maxRecords: Int

    package init(kafka: KafkaConfiguration, topics: TopicNames, rules: ComparisonRules, maxRecords: Int) {
        self.kafka = kafka
        self.topics = topics
        self.rules = rules
        self.maxRecords = maxRecords
    }

    /// The verdicts, in the order of `keys`, with what reading the log cost. `list` keeps the
    /// records it accepts (the decoded record, nil when invalid, and the Kafka key) for display.
    func judge(_ keys: [ContestedKey], list: ((InputRecord?, [UInt8]?) -> Bool)? = nil) async throws -> Adjudication {
        let clock = ContinuousClock()
        let started = clock.now
        if keys.isEmpty { return Adjudication(judgements: [], cost: JudgingCost()) }
        let reader = try KafkaPartitionReader(configuration: kafka)
        do {
            let adjudication = try await judge(keys, reader: reader, list: list, started: started)
            await reader.close()
            return adjudication
        } catch {
            await reader.close()
            throw error
        }
    }

    private func judge(_ keys: [ContestedKey], reader: KafkaPartitionReader, list: ((InputRecord?, [UInt8]?) -> Bool)?,
                       started: ContinuousClock.Instant) async throws -> Adjudication {
        // What each key needs: every partition of it up to the further of the two stores.
        let ends = keys.map { key in key.offsets(of: .legacy).merging(key.offsets(of: .stream)) { max($0, $1) } }
        let needed = Set(ends.flatMap { $0.filter { $0.value > 0 }.keys }).sorted()
        // The first request to the broker: if it fails, say which service at which address.
        let marks: [TopicPartition: (low: Int64, high: Int64)]
        do { marks = try await reader.watermarks(needed) } catch {
            throw ServiceUnavailable(service: "kafka", address: kafka.address, detail: "\(error)")
        }
        var verdicts: [Judgement?] = Array(repeating: nil, count: keys.count)
        for (i, key) in keys.enumerated() {
            if let reason = Self.cannotRebuild(ends[i], marks: marks, maxRecords: maxRecords) {
                verdicts[i] = .undetermined(key, reason: reason)
            }
        }

        // One read for every key still to judge; a partition is read to the furthest any needs.
        let open = keys.indices.filter { verdicts[$0] == nil }
        var selection = InputLog.Selection()
        var readTo: [TopicPartition: Int64] = [:]
        for i in open {
            switch keys[i].key {
            case .contact(let id): selection.contacts.insert(Array(id.utf8))
            case .campusDay(let day): selection.campusDays.insert(day)
            }
            readTo.merge(ends[i]) { max($0, $1) }
        }
        // The offset vectors to fold at: each store's, and what both applied. Keys of one round
        // share their partitions' offsets, so these are few (one when the stores agree).
        var vectors: [[TopicPartition: Int64]] = []
        func vectorIndex(_ vector: [TopicPartition: Int64]) -> Int {
            if let i = vectors.firstIndex(of: vector) { return i }
            vectors.append(vector)
            return vectors.count - 1
        }
        let stances = open.map { i in
            (common: keys[i].commonOffsets, legacy: keys[i].offsets(of: .legacy), stream: keys[i].offsets(of: .stream))
        }
        let merged = stances.reduce(into: (common: [TopicPartition: Int64](), legacy: [TopicPartition: Int64](), stream: [TopicPartition: Int64]())) {
            $0.common.merge($1.common) { max($0, $1) }
            $0.legacy.merge($1.legacy) { max($0, $1) }
            $0.stream.merge($1.stream) { max($0, $1) }
        }
        let (commonAt, legacyAt, streamAt) = (vectorIndex(merged.common), vectorIndex(merged.legacy), vectorIndex(merged.stream))

        let log = InputLog(reader: reader, topics: topics)
        let folded = open.isEmpty ? InputLog.Folded(folds: [], reached: [:])
            : try await log.fold(upTo: readTo, selection: selection, vectors: vectors, list: list)
        for i in open {
            let key = keys[i]
            if let short = ends[i].first(where: { (folded.reached[$0.key] ?? 0) < $0.value }) {
                verdicts[i] = .undetermined(key, reason: "the log of \(short.key) ends at offset \(folded.reached[short.key] ?? 0), "
                    + "before offset \(short.value) that a store applied (topic recreated, or records deleted?)")
                continue
            }
            verdicts[i] = .judged(key, reference: key.reference(in: folded.folds[commonAt]),
                                  referenceFor: [.legacy: key.reference(in: folded.folds[legacyAt]),
                                                 .stream: key.reference(in: folded.folds[streamAt])],
                                  rules: rules, keyRecords: Self.keyRecords(key, in: folded))
        }
        let cost = JudgingCost(judged: keys.count, recordsRead: folded.recordsRead, partitionsRead: readTo.filter { $0.value > 0 }.count,
                               millis: (ContinuousClock.now - started).inMilliseconds)
        return Adjudication(judgements: verdicts.map { $0! }, cost: cost, listed: folded.listed)
    }

    /// Why a key's fold cannot be rebuilt from the log, or nil when it can.
    static func cannotRebuild(_ ends: [TopicPartition: Int64], marks: [TopicPartition: (low: Int64, high: Int64)], maxRecords: Int) -> String? {
        for (tp, end) in ends.sorted(by: { $0.key < $1.key }) where end > 0 {
            if let low = marks[tp]?.low, low > 0 {
                return "\(tp) no longer starts at offset 0 (its first retained offset is \(low)): the records before it are gone, so the fold cannot be rebuilt"
            }
        }
        let total = ends.values.reduce(0, +)
        if total > Int64(maxRecords) {
            return "rebuilding the fold would read \(total) records, more than the limit of \(maxRecords) (--max-records, BRIDGE_COMPARE_JUDGE_MAX_RECORDS)"
        }
        return nil
    }

    /// How many of the key's own records were read.
    static func keyRecords(_ key: ContestedKey, in folded: InputLog.Folded) -> Int {
        switch key.key {
        case .contact(let id): folded.contactRecords[Array(id.utf8)] ?? 0
        case .campusDay(let day): folded.campusDayEvents[day] ?? 0
        }
    }
}

/// The verdicts of one adjudication and what they cost.
struct Adjudication: Sendable {
    var judgements: [Judgement]
    var cost: JudgingCost
    var listed: [InputLog.Listed] = []
}

/// What judging cost: keys judged, records read from Kafka, partitions read, time.
package struct JudgingCost: Sendable, Equatable {
    package var judged = 0
    package var recordsRead = 0
    package var partitionsRead = 0
    package var millis: Int64 = 0

    package init(judged: Int = 0, recordsRead: Int = 0, partitionsRead: Int = 0, millis: Int64 = 0) {
        self.judged = judged
        self.recordsRead = recordsRead
        self.partitionsRead = partitionsRead
        self.millis = millis
    }
}
