import BridgeModel
import BridgeSupport
import KafkaClient

/// End-to-end latency of each input event: from the event's Kafka record timestamp (the
/// producer's create time) to the timestamp of the first `contact-summary.stream` record
/// (the stream path's producer create time, i.e. when it published) whose row includes it.
///
/// "Includes it" is decided exactly, not by time: on a fresh prefix, a contact's
/// messages_sent + delivered + failed + replies after its k-th counted event (first occurrence
/// of its event id, of one of those four kinds, valid) is k, and each row published for the
/// contact carries that sum. So event k is reflected by the first published row whose sum is
/// at least k. Both clocks are this machine's, in milliseconds.
struct LatencyMatcher {
    struct Result {
        var matched: [Int64]
        var unmatched: Int
    }

    let topics: TopicNames

    func latencies(inputs: [KafkaRecord], outputs: [KafkaRecord]) -> Result {
        // Per contact: the create time of its k-th counted event, in partition order.
        var eventTimes: [String: [Int64]] = [:]
        var seen: [String: Set<String>] = [:]
        for record in inputs.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            guard topics.input(record.topic) == .messageEvents, let time = record.timestampMillis,
                  case .success(.event(let e)) = RecordDecoder.decode(topic: .messageEvents, key: record.key, value: record.value),
                  [.sent, .delivered, .failed, .reply].contains(e.kind),
                  seen[e.contactId, default: []].insert(e.eventId).inserted else { continue }
            eventTimes[e.contactId, default: []].append(time)
        }
        // Per contact: (count, publish time) of each published row, in partition order.
        var published: [String: [(count: Int, time: Int64)]] = [:]
        for record in outputs.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            guard let value = record.value, let time = record.timestampMillis,
                  let row = try? ContactSummaryRow(json: value) else { continue }
            let count = Int(row.messagesSent + row.messagesDelivered + row.messagesFailed + row.replies)
            published[row.contactId, default: []].append((count, time))
        }
        var result = Result(matched: [], unmatched: 0)
        for (contact, times) in eventTimes {
            let rows = published[contact] ?? []
            var i = 0
            for (index, created) in times.enumerated() {
                let k = index + 1
                while i < rows.count && rows[i].count < k { i += 1 }
                if i < rows.count { result.matched.append(rows[i].time - created) } else { result.unmatched += 1 }
            }
        }
        return result
    }

    /// The value at quantile `q` (0...1) of `values`, nearest rank.
    static func quantile(_ q: Double, of sorted: [Int64]) -> Int64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
