import BridgeModel
import BridgeSupport
import KafkaClient

/// The input records a set of judgements needs, read from Kafka (each partition once, from
/// offset 0, without a consumer group) and folded with the contract's reference fold.
struct InputLog {
    let reader: KafkaPartitionReader
    let topics: TopicNames

    /// Which records enter the fold.
    struct Selection {
        /// Kafka keys (contact ids) whose records of both topics are folded.
        var contacts: Set<[UInt8]> = []
        /// Campus-days judged. Then every message event is folded, because whether an event
        /// counts depends on its contact's earlier events, on any campus-day.
        var campusDays: Set<CampusDayKey> = []

        func includes(_ input: InputTopic, key: [UInt8]?) -> Bool {
            if input == .messageEvents && !campusDays.isEmpty { return true }
            return key.map(contacts.contains) ?? false
        }
    }

    /// A record shown to the operator: where it is, when it was written, and what the one
    /// decoder made of it.
    struct Listed: Sendable {
        var input: InputTopic
        var partition: Int32
        var offset: Int64
        var timestampMillis: Int64?
        var decoded: Result<InputRecord, Rejection>
        /// False for a message event whose (contact_id, event_id) was counted before.
        var counted: Bool
    }

    struct Folded {
        /// Parallel to the offset vectors asked for.
        var folds: [ReferenceFold]
        /// Per partition, the offset after the last record read (below the range where the log ends).
        var reached: [TopicPartition: Int64]
        var recordsRead = 0
        var listed: [Listed] = []
        /// Records read per selected contact (valid or not), and valid events per judged
        /// campus-day: "the fold of N input records".
        var contactRecords: [[UInt8]: Int] = [:]
        var campusDayEvents: [CampusDayKey: Int] = [:]
    }

    /// Reads `ranges` (partition -> offsets 0..<end) and folds the selected records into one
    /// fold per offset vector: fold i takes a record when its offset is below `vectors[i]` on its
    /// partition. Records `list` accepts are kept for display.
    func fold(upTo ends: [TopicPartition: Int64], selection: Selection, vectors: [[TopicPartition: Int64]],
              list: ((InputRecord?, [UInt8]?) -> Bool)? = nil) async throws -> Folded {
        var folded = Folded(folds: Array(repeating: ReferenceFold(), count: vectors.count), reached: [:])
        let ranges = ends.filter { $0.value > 0 }.mapValues { 0..<$0 }
        // Partition order within a partition is what the fold needs; topics may interleave.
        let reached = try await reader.read(ranges) { batch in
            folded.recordsRead += batch.count
            for record in batch {
                guard let input = topics.input(record.topic), selection.includes(input, key: record.key) else { continue }
                let decoded = RecordDecoder.decode(topic: input, key: record.key, value: record.value)
                if let key = record.key, selection.contacts.contains(key) { folded.contactRecords[key, default: 0] += 1 }
                if case .success(.event(let event)) = decoded {
                    let day = CampusDayKey(campusId: event.campusId, day: event.at.utcDay)
                    if selection.campusDays.contains(day) { folded.campusDayEvents[day, default: 0] += 1 }
                }
                var counted = false
                if case .success(let valid) = decoded {
                    var first = true
                    for (i, vector) in vectors.enumerated() where record.offset < (vector[record.topicPartition] ?? 0) {
                        let applied = folded.folds[i].apply(topic: input, partition: record.partition, offset: record.offset, record: valid)
                        if first { counted = applied; first = false }
                    }
                }
                if let list, list(try? decoded.get(), record.key) {
                    folded.listed.append(Listed(input: input, partition: record.partition, offset: record.offset,
                                                timestampMillis: record.timestampMillis, decoded: decoded, counted: counted))
                }
            }
        }
        folded.reached = reached
        for tp in ends.keys where folded.reached[tp] == nil { folded.reached[tp] = 0 }
        return folded
    }
}
