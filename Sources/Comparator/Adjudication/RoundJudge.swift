import BridgeModel
import KafkaClient

/// Judges a round's listed mismatches against the log: up to `limit` of them, in the order
/// listed, all in one adjudication (each input partition they need is read once, to the round's
/// offsets). Stale keys were never compared and stay `unjudged`, as do mismatches past the limit.
struct RoundJudge {
    let adjudicator: Adjudicator
    let limit: Int

    /// Sets the verdicts on `samples` and returns what the judging found and cost. Never throws:
    /// a round whose judging fails (Kafka unreachable) is still a valid comparison; its
    /// mismatches stay `unjudged`, with the reason.
    func judge(_ samples: inout [Discrepancy], outcome: ComparisonOutcome, states: [PartitionState]) async -> RoundJudging {
        var judging = RoundJudging(limit: limit)
        await judge(&samples, states: states, into: &judging)
        judging.count(outcome: outcome, samples: samples)
        return judging
    }

    private func judge(_ samples: inout [Discrepancy], states: [PartitionState], into judging: inout RoundJudging) async {
        let chosen = Array(samples.indices.filter { samples[$0].kind.isMismatch }.prefix(limit))
        if chosen.isEmpty { return }
        let legacy = Dictionary(uniqueKeysWithValues: states.map { ($0.partition, $0.legacy) })
        let stream = Dictionary(uniqueKeysWithValues: states.map { ($0.partition, $0.stream) })
        do {
            let keys = try chosen.map { try contestedKey(samples[$0], legacy: legacy, stream: stream, known: states.map(\.partition)) }
            let adjudication = try await adjudicator.judge(keys)
            for (i, judgement) in zip(chosen, adjudication.judgements) {
                samples[i].verdict = judgement.verdict
                samples[i].explanation = judgement.reason
                samples[i].reference = judgement.reference?.json
            }
            judging.cost = adjudication.cost
        } catch {
            judging.failure = "\(error)"
            for i in chosen { samples[i].explanation = "not judged: \(error)" }
        }
    }

    /// The key as the round saw it: both rows, at the round's offsets.
    func contestedKey(_ d: Discrepancy, legacy: [TopicPartition: Int64], stream: [TopicPartition: Int64],
                      known: [TopicPartition]) throws -> ContestedKey {
        let key: ContestedKey.Key
        switch d.table {
        case .contactSummary: key = .contact(d.key)
        case .campusDaily:
            guard let day = CampusDayKey(kafkaKey: d.key) else { throw Unparsable(key: d.key) }
            key = .campusDay(day)
        }
        // No store knows a partition of the contact: every partition, filtered by key.
        let inputs = Set(adjudicator.topics.inputs)
        let partitions = d.inputPartitions.isEmpty ? known.filter { inputs.contains($0.topic) } : d.inputPartitions
        return ContestedKey(key: key, legacy: try d.legacyRow.map { try AggregateRow(table: d.table, json: $0) },
                            stream: try d.streamRow.map { try AggregateRow(table: d.table, json: $0) },
                            legacyOffsets: legacy, streamOffsets: stream, partitions: partitions)
    }

    struct Unparsable: Error, CustomStringConvertible {
        var key: String
        var description: String { "campus-day key \"\(key)\" is not campus_id|YYYY-MM-DD" }
    }
}

/// What judging a round's mismatches found and cost: the round's report and the rollout plan
/// read it.
package struct RoundJudging: Sendable, Equatable {
    /// The most mismatches a round judges (BRIDGE_COMPARE_JUDGE_LIMIT).
    package var limit: Int
    /// Every mismatch of the round by verdict; `unjudged` counts those past the limit, those not
    /// listed, and all of them when judging failed.
    package var verdicts: [Verdict: Int] = [:]
    package var cost = JudgingCost()
    /// Why judging failed (its mismatches are then unjudged).
    package var failure: String?

    package init(limit: Int, verdicts: [Verdict: Int] = [:], cost: JudgingCost = JudgingCost(), failure: String? = nil) {
        self.limit = limit
        self.verdicts = verdicts
        self.cost = cost
        self.failure = failure
    }

    package var judged: Int { verdicts.filter { $0.key != .unjudged }.values.reduce(0, +) }

    mutating func count(outcome: ComparisonOutcome, samples: [Discrepancy]) {
        verdicts = [:]
        for d in samples where d.kind.isMismatch && d.verdict != .unjudged { verdicts[d.verdict, default: 0] += 1 }
        let unjudged = outcome.mismatches - judged
        if unjudged > 0 { verdicts[.unjudged] = unjudged }
    }
}
