import Foundation
import PostgresClient

/// One stored comparison round (`bridge.comparison_rounds`) as the rollout weighs it: whether
/// it proves the stream path right (the gate, the plan's steps) and whether it shows that the
/// stream path may be wrong (the plan's rollback).
struct RoundEvidence: Sendable, Hashable {
    var id: Int64
    var finishedAt: String?
    var consistent: Bool
    /// Every discrepancy, stale keys included (nil: the round's row lacks it).
    var discrepancies: Int64?
    var comparedContacts: Int64
    /// Offsets the stream path was behind the legacy path, over all partitions.
    var streamLag: Int64
    /// Value mismatches and missing keys; nil for rounds stored before verdicts existed.
    var mismatches: Int64?
    /// The mismatches by verdict (`legacy_wrong` -> 2, ...).
    var verdicts: [String: Int64]

    static let columns: PostgresQuery = """
        id, consistent, discrepancies, compared_contacts,
        to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        coalesce(stream_lag, 0), mismatches, verdicts::text
        """

    init(_ r: PostgresRow) throws {
        id = try r.int(0)
        consistent = r.isNull(1) ? false : try r.bool(1)
        discrepancies = try r.optionalInt(2)
        comparedContacts = try r.optionalInt(3) ?? 0
        finishedAt = r.optionalString(4)
        streamLag = try r.int(5)
        mismatches = try r.optionalInt(6)
        verdicts = r.optionalString(7).flatMap { text in
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        }?.compactMapValues { ($0 as? NSNumber)?.int64Value } ?? [:]
    }

    init(id: Int64, finishedAt: String? = nil, consistent: Bool, discrepancies: Int64?, comparedContacts: Int64, streamLag: Int64 = 0,
         mismatches: Int64? = nil, verdicts: [String: Int64] = [:]) {
        self.id = id
        self.finishedAt = finishedAt
        self.consistent = consistent
        self.discrepancies = discrepancies
        self.comparedContacts = comparedContacts
        self.streamLag = streamLag
        self.mismatches = mismatches
        self.verdicts = verdicts
    }

    private var name: String { "round \(id)" + (finishedAt.map { " (finished \($0))" } ?? " (unfinished)") }

    /// Why this round does not prove the stream path right (empty when it does). With
    /// `acceptingLegacyWrong`, discrepancies that are all mismatches judged `legacy_wrong` do
    /// not count against it: the operator accepted that the legacy path is the wrong one there.
    func problems(minKeys: Int64, acceptingLegacyWrong: Bool = false) -> [String] {
        var problems: [String] = []
        // `consistent` is false exactly when nothing was compared at the same input offsets:
        // said once, not again as "fewer contacts than required" below.
        if !consistent { problems.append("\(name) compared nothing at a consistent cut (the same input offsets of both paths)") }
        if let discrepancies {
            let accepted = acceptingLegacyWrong ? (verdicts["legacy_wrong"] ?? 0) : 0
            if discrepancies > 0 && discrepancies > accepted {
                problems.append("\(name) found \(discrepancies) discrepanc\(discrepancies == 1 ? "y" : "ies")" + judgedText)
            }
        } else {
            problems.append("\(name) has no discrepancy count")
        }
        if consistent && comparedContacts < minKeys {
            problems.append("\(name) compared \(comparedContacts) contacts, fewer than the \(minKeys) required")
        }
        if streamLag > 0 {
            problems.append("\(name) found the stream path \(streamLag) offsets behind the legacy path (still catching up, or rebuilding after a reset)")
        }
        return problems
    }

    /// Why this round shows that the stream path may be serving wrong rows, or nil: any mismatch
    /// not shown to be the legacy path's fault (judged `stream_wrong`, `both_wrong` or
    /// `undetermined`, or not judged at all) counts.
    var rollbackReason: String? {
        let mismatches = self.mismatches ?? discrepancies ?? 0
        let harmless = (verdicts["legacy_wrong"] ?? 0) + (verdicts["agree"] ?? 0)
        guard mismatches > harmless else { return nil }
        return "\(name) found \(mismatches) mismatch\(mismatches == 1 ? "" : "es")" + judgedText
    }

    /// ": 1 stream_wrong, 2 legacy_wrong" (the verdicts, when any).
    private var judgedText: String {
        let order = ["stream_wrong", "both_wrong", "undetermined", "unjudged", "legacy_wrong", "agree"]
        let parts = order.compactMap { v in verdicts[v].flatMap { $0 > 0 ? "\($0) \(v)" : nil } }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }
}
