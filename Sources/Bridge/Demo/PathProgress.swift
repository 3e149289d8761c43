import BridgeSupport
import Foundation

/// What `bridge demo` shows while the paths work: for each path its rate over the last few
/// seconds, how many input records it has left, and the time that leaves at that rate.
///
/// Records left: the path's lag (from its store and the broker, as /status computes it), but
/// never less than what this run was given to consume minus what the path has consumed. The
/// embedded broker's high watermark can trail the last record by up to a batch, so lag alone
/// would say "caught up" too early.
struct PathProgress {
    let positions: PathPositions
    /// Input records produced for this run (0 when unknown).
    let expected: Int
    /// The rate is measured over this much recent history: long enough to smooth out a path
    /// that applies large batches at long intervals (the legacy path, 20,000 records at a time).
    var window: TimeInterval = 30
    private var samples: [String: [(at: Date, records: Int)]] = [:]

    init(positions: PathPositions, expected: Int) {
        self.positions = positions
        self.expected = expected
    }

    /// One line for all paths running here, e.g. `legacy 1,850 records/s, 23,150 behind,
    /// about 13 s to go | stream 9,400 records/s, 40,404 records, caught up`.
    mutating func line(now: Date = Date()) async -> String {
        let progress = (try? await positions.progress()) ?? [:]
        var parts: [String] = []
        for activity in PathActivity.shared.snapshots where ProbeRules.paths.contains(activity.path) {
            parts.append(describe(activity, left: progress[activity.path]?.totalLag, now: now))
        }
        return parts.joined(separator: " | ")
    }

    private mutating func describe(_ activity: PathActivity.Snapshot, left: Int64?, now: Date) -> String {
        var history = samples[activity.path, default: []]
        // Only from its assignment on: time spent joining the group is not its speed.
        let joining = activity.reports.contains(.assignments) && activity.assignedPartitions == nil && activity.stoppedAt == nil
        if !joining { history.append((now, activity.records)) }
        history.removeAll { now.timeIntervalSince($0.at) > window }
        samples[activity.path] = history
        let rate: Double? = history.count < 2 ? nil
            : Double(history.last!.records - history.first!.records) / max(0.001, history.last!.at.timeIntervalSince(history.first!.at))

        var text = "\(activity.path) "
        if activity.stoppedAt != nil { return text + "done, \(Self.grouped(activity.records)) records" }
        if joining {
            text += "joining its consumer group"
        } else {
            text += rate.map { "\(Self.grouped(Int($0.rounded()))) records/s" } ?? "starting"
        }
        let left = max(left ?? 0, Int64(expected - activity.records))
        if left == 0 { return text + ", \(Self.grouped(activity.records)) records, caught up" }
        text += ", \(Self.grouped(Int(left))) behind"
        if let rate, rate >= 1 {
            text += ", about \(Self.duration(Double(left) / rate)) to go"
        }
        return text
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return s < 90 ? "\(s) s" : s < 5400 ? "\(s / 60) min \(s % 60) s" : "\(s / 3600) h \(s % 3600 / 60) min"
    }
}
