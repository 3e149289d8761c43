import BridgeModel
import KafkaClient
import LegacySQL
import StreamAgg

/// The comparison proper: walks both sorted exports in step (a merge by key, one pass, no
/// lookup tables), asks the cut whether each key may be compared, and diffs field by field.
struct RowMerge {
    let cut: ConsistentCut
    let rules: ComparisonRules
    let sampleLimit: Int
    private(set) var outcome = ComparisonOutcome()
    private var listedMismatches = 0
    private var listedStale = 0

    init(cut: ConsistentCut, rules: ComparisonRules, sampleLimit: Int) {
        self.cut = cut
        self.rules = rules
        self.sampleLimit = sampleLimit
    }

    /// `streamPartitions` names, for a stream row, the input partitions its partition pair
    /// covers (both topics' partition p).
    mutating func contacts(legacy: [ContactSummaryRow], legacyPartitions: [[TopicPartition]], stream: [StreamContact],
                           streamPartitions: (Int32) -> [TopicPartition]) {
        var i = 0, j = 0
        while i < legacy.count || j < stream.count {
            let order = i == legacy.count ? 1 : (j == stream.count ? -1 : ByteString.compare(legacy[i].contactId, stream[j].row.contactId))
            let l = order <= 0 ? legacy[i] : nil
            let s = order >= 0 ? stream[j] : nil
            var held = order <= 0 ? legacyPartitions[i] : []
            if let s { held += streamPartitions(s.partition) }
            let partitions = Array(Set(held))
            let verdict = cut.contact(partitions: partitions)
            let key = l?.contactId ?? s!.row.contactId
            compare(.contactSummary, key: key, verdict: verdict, legacy: l, stream: s?.row, partitions: partitions)
            if order <= 0 { i += 1 }
            if order >= 0 { j += 1 }
        }
    }

    /// Rows proven equal by equal bucket sums, without being read.
    mutating func comparedByChecksum(_ table: ComparedTable, rows: Int) {
        outcome.compared[table, default: 0] += rows
    }

    mutating func campusDays(legacy: [CampusDailyRow], stream: [CampusDailyRow]) {
        let verdict = cut.campusDays
        let partitions = cut.partitions.keys.filter { $0.topic == cut.messageEventsTopic }.sorted()
        var i = 0, j = 0
        while i < legacy.count || j < stream.count {
            let order = i == legacy.count ? 1 : (j == stream.count ? -1 : (legacy[i].key == stream[j].key ? 0 : (legacy[i].key < stream[j].key ? -1 : 1)))
            let l = order <= 0 ? legacy[i] : nil
            let s = order >= 0 ? stream[j] : nil
            let key = (l?.key ?? s!.key).kafkaKey
            compare(.campusDaily, key: key, verdict: verdict, legacy: l, stream: s, partitions: partitions)
            if order <= 0 { i += 1 }
            if order >= 0 { j += 1 }
        }
    }

    /// Rows are rendered in their canonical JSON form only for what ends up in a discrepancy:
    /// equal rows (the common case, byte-wise equality) cost one comparison, which is what keeps
    /// a round over a million contacts from encoding twenty-six million field values.
    private mutating func compare<Row: ComparableRow>(_ table: ComparedTable, key: String, verdict: ConsistentCut.Verdict,
                                                      legacy: Row?, stream: Row?, partitions: [TopicPartition]) {
        switch verdict {
        case .lagging:
            outcome.skippedLagging[table, default: 0] += 1
        case .stale:
            record(Discrepancy(table: table, key: key, kind: .stale, legacyRow: legacy?.json, streamRow: stream?.json), partitions: partitions)
        case .compare:
            outcome.compared[table, default: 0] += 1
            switch (legacy, stream) {
            case let (l?, s?):
                if l == s { return }
                let fields = rules.differences(table, legacy: l.fieldValues, stream: s.fieldValues)
                if !fields.isEmpty {
                    record(Discrepancy(table: table, key: key, kind: .valueMismatch, fields: fields, legacyRow: l.json, streamRow: s.json), partitions: partitions)
                }
            case let (l?, nil):
                record(Discrepancy(table: table, key: key, kind: .missingInStream, legacyRow: l.json), partitions: partitions)
            case let (nil, s?):
                record(Discrepancy(table: table, key: key, kind: .missingInLegacy, streamRow: s.json), partitions: partitions)
            case (nil, nil):
                break
            }
        }
    }

    private mutating func record(_ found: Discrepancy, partitions: [TopicPartition]) {
        var discrepancy = found
        discrepancy.inputPartitions = partitions.sorted()
        outcome.counts[discrepancy.kind, default: 0] += 1
        if discrepancy.kind == .stale {
            guard listedStale < sampleLimit else { return }
            listedStale += 1
        } else {
            guard listedMismatches < sampleLimit else { return }
            listedMismatches += 1
        }
        outcome.samples.append(discrepancy)
    }
}

/// What the merge needs of a row: exact equality, and its canonical JSON when it differs.
protocol ComparableRow: Equatable {
    var fieldValues: [(name: String, json: String)] { get }
    var json: String { get }
}

extension ContactSummaryRow: ComparableRow {}
extension CampusDailyRow: ComparableRow {}
