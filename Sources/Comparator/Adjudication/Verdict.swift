/// Which path is wrong about a key, judged against the contract's fold of the key's input
/// records (contract section 6). The raw values are the report's and the database's spellings.
package enum Verdict: String, Sendable, CaseIterable, Hashable, Codable {
    /// Both stored rows equal the fold.
    case agree
    /// The stream row equals the fold; the legacy row does not.
    case legacyWrong = "legacy_wrong"
    /// The legacy row equals the fold; the stream row does not.
    case streamWrong = "stream_wrong"
    case bothWrong = "both_wrong"
    /// The fold cannot be rebuilt: the input is no longer retained from offset 0, or it would
    /// take more records than allowed, or the log ends before what the stores applied.
    case undetermined
    /// Not judged (beyond the round's limit, a stale key, or the judging failed).
    case unjudged

    /// The verdict for two stores each either equal to the fold or not.
    static func of(legacyRight: Bool, streamRight: Bool) -> Verdict {
        switch (legacyRight, streamRight) {
        case (true, true): .agree
        case (false, true): .legacyWrong
        case (true, false): .streamWrong
        case (false, false): .bothWrong
        }
    }
}
