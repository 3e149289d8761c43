/// A round's verdicts in one line for people: what was judged, what it found, what it cost.
enum JudgingText {
    static func summary(_ j: RoundJudging, mismatches: Int) -> String {
        if mismatches == 0 { return "no mismatch to judge" }
        let found = Verdict.allCases.compactMap { v in j.verdicts[v].map { "\(v.rawValue) \($0)" } }.joined(separator: ", ")
        var line = "\(j.judged) of \(mismatches) mismatch\(mismatches == 1 ? "" : "es") judged against the input records (\(found))"
        if j.judged > 0 {
            line += "; cost: \(j.cost.recordsRead) records read from \(j.cost.partitionsRead) partition\(j.cost.partitionsRead == 1 ? "" : "s") in \(j.cost.millis) ms"
        }
        if let failure = j.failure { line += "; judging failed: \(failure)" }
        return line
    }
}
