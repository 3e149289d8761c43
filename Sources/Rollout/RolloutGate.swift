import Foundation
import PostgresClient

/// The rule that guards every change giving the stream path more keys: the last `rounds`
/// comparison rounds (newest first, by id) must all be consistent, without discrepancies, and
/// have compared at least `minKeys` contacts each. A round that compared nothing proves nothing,
/// and an inconsistent round (taken while the paths were at different offsets) proves nothing
/// either, so both close the gate just like a discrepancy does.
public struct RolloutGate: Sendable, Hashable {
    /// K: how many of the newest rounds must be clean.
    public var rounds: Int
    /// M: the fewest contacts each of them must have compared.
    public var minKeys: Int64

    public init(rounds: Int = 3, minKeys: Int64 = 1) {
        self.rounds = max(1, rounds)
        self.minKeys = max(0, minKeys)
    }

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var variable: String
        public var value: String
        public var description: String { "configuration \(variable): \"\(value)\" is not a non-negative integer" }
    }

    /// BRIDGE_GATE_ROUNDS (default 3) and BRIDGE_GATE_MIN_KEYS (default 1).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RolloutGate {
        func int(_ name: String) throws -> Int64? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let n = Int64(text), n >= 0 else { throw Invalid(variable: name, value: text) }
            return n
        }
        let defaults = RolloutGate()
        return RolloutGate(rounds: Int(try int("BRIDGE_GATE_ROUNDS") ?? Int64(defaults.rounds)),
                           minKeys: try int("BRIDGE_GATE_MIN_KEYS") ?? defaults.minKeys)
    }

    /// Judges the newest rounds. Runs on the caller's connection so that a rollout change can
    /// judge and write in one transaction.
    public func verdict(using conn: PostgresConnection) throws -> GateVerdict {
        let rows = try conn.query("""
            SELECT id, consistent, discrepancies, compared_contacts,
                   to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
              FROM bridge.comparison_rounds
             ORDER BY id DESC
             LIMIT $1
            """, [.int(Int64(rounds))])
        var problems: [String] = []
        var checked: [Int64] = []
        for i in 0..<rows.count {
            let r = rows[i]
            let id = try r.int(0)
            checked.append(id)
            let finished = r.optionalString(4).map { " (finished \($0))" } ?? " (unfinished)"
            let consistent = r.isNull(1) ? false : try r.bool(1)
            let discrepancies = try r.optionalInt(2)
            let compared = try r.optionalInt(3)
            if !consistent {
                problems.append("round \(id)\(finished) was not taken at a consistent cut")
            }
            if let discrepancies, discrepancies > 0 {
                problems.append("round \(id)\(finished) found \(discrepancies) discrepanc\(discrepancies == 1 ? "y" : "ies")")
            } else if discrepancies == nil {
                problems.append("round \(id)\(finished) has no discrepancy count")
            }
            if (compared ?? 0) < minKeys {
                problems.append("round \(id)\(finished) compared \(compared ?? 0) contacts, fewer than the \(minKeys) required")
            }
        }
        if rows.count < rounds {
            problems.insert("only \(rows.count) comparison round\(rows.count == 1 ? "" : "s") recorded, the gate needs \(rounds) clean one\(rounds == 1 ? "" : "s")", at: 0)
        }
        return GateVerdict(open: problems.isEmpty, rounds: rounds, minKeys: minKeys, checkedRounds: checked, problems: problems)
    }
}
