import KafkaClient

/// The verdict on one key and what it rests on: the reference rows folded from the log, and
/// how each stored row stands against the reference at the offsets that store applied.
package struct Judgement: Sendable {
    package var key: ContestedKey
    package var verdict: Verdict
    /// One sentence for people: why this verdict (the explain summary in reports).
    package var reason: String
    /// The fold of the records both stores applied (nil when the records give no row, or when
    /// undetermined).
    package var reference: AggregateRow?
    /// Per store, the fold at the offsets that store applied: the row it is judged against.
    /// Equal to `reference` for both when the stores stand at the same offsets.
    package var referenceFor: [StoredPath: AggregateRow?]
    /// Per store, how its row stands against its reference (absent when undetermined).
    package var standing: [StoredPath: Standing]
    /// The key's own input records that were folded (its records of both topics for a contact,
    /// its valid events for a campus-day).
    package var keyRecords: Int

    /// How a stored row compares with the row the fold gives.
    package enum Standing: Sendable, Equatable {
        case matches
        /// Fields that differ under the comparison rules, each with both canonical JSON values.
        case differs([FieldDeviation])
        /// The store has no row; the fold has one.
        case missing
        /// The store has a row; the input gives none.
        case unexpected

        package var isRight: Bool { self == .matches }
    }

    static func undetermined(_ key: ContestedKey, reason: String) -> Judgement {
        Judgement(key: key, verdict: .undetermined, reason: reason, reference: nil, referenceFor: [:], standing: [:], keyRecords: 0)
    }

    /// Judges both stored rows against the fold's rows, under the comparison rules.
    static func judged(_ key: ContestedKey, reference: AggregateRow?, referenceFor: [StoredPath: AggregateRow?],
                       rules: ComparisonRules, keyRecords: Int) -> Judgement {
        var standing: [StoredPath: Standing] = [:]
        for path in StoredPath.allCases {
            standing[path] = Self.standing(of: key.row(of: path), against: referenceFor[path] ?? nil, table: key.table, rules: rules)
        }
        let verdict = Verdict.of(legacyRight: standing[.legacy]!.isRight, streamRight: standing[.stream]!.isRight)
        var judgement = Judgement(key: key, verdict: verdict, reason: "", reference: reference, referenceFor: referenceFor,
                                  standing: standing, keyRecords: keyRecords)
        judgement.reason = judgement.summary
        return judgement
    }

    static func standing(of stored: AggregateRow?, against reference: AggregateRow?, table: ComparedTable, rules: ComparisonRules) -> Standing {
        switch (stored, reference) {
        case (nil, nil): return .matches
        case (nil, _?): return .missing
        case (_?, nil): return .unexpected
        case let (stored?, reference?):
            if stored == reference { return .matches }
            let fields = rules.differences(table, legacy: stored.fieldValues, stream: reference.fieldValues)
            return fields.isEmpty ? .matches : .differs(fields.map { FieldDeviation(field: $0.field, stored: $0.legacy, reference: $0.stream) })
        }
    }

    /// "the legacy row differs from the fold of 14 input records on messages_sent (legacy 15,
    /// input 8); the stream row equals it".
    private var summary: String {
        let records = "\(keyRecords) input record\(keyRecords == 1 ? "" : "s")"
        let offsets = key.storesAtSameOffsets ? "" : " (each store against the records it applied)"
        func says(_ path: StoredPath) -> String {
            switch standing[path]! {
            case .matches: "the \(path.rawValue) row equals it"
            case .missing: "the \(path.rawValue) store has no row although the records give one"
            case .unexpected: "the \(path.rawValue) store has a row the records do not give"
            case .differs(let fields):
                "the \(path.rawValue) row differs on " + fields.map { "\($0.field) (\(path.rawValue) \($0.stored), input \($0.reference))" }.joined(separator: ", ")
            }
        }
        let lead = "judged against the fold of \(records)\(offsets)"
        switch verdict {
        case .agree where key.legacy == nil && key.stream == nil:
            return "neither store has a row, and no valid input record up to the offsets they applied gives one (\(records) with this key)"
        case .agree: return "\(lead): both rows equal it"
        case .legacyWrong: return "\(lead): \(says(.legacy)); \(says(.stream))"
        case .streamWrong: return "\(lead): \(says(.stream)); \(says(.legacy))"
        case .bothWrong: return "\(lead): \(says(.legacy)); \(says(.stream))"
        case .undetermined, .unjudged: return reason
        }
    }
}

/// One field where a stored row differs from the reference, both as canonical JSON values.
package struct FieldDeviation: Sendable, Hashable {
    package var field: String
    package var stored: String
    package var reference: String
}
