import Foundation
import PostgresClient

/// The rule that guards every change giving the stream path more keys: the last `rounds`
/// comparison rounds (newest first, by id) must all be consistent, without discrepancies, have
/// compared at least `minKeys` contacts each, and have found the stream path not behind the
/// legacy path. A round that compared nothing proves nothing, an inconsistent round (taken while
/// the paths were at different offsets) proves nothing either, and a round with the stream path
/// behind (catching up, or rebuilding after a reset) has not seen its whole store; all of them
/// close the gate just like a discrepancy does.
package struct RolloutGate: Sendable, Hashable {
    /// K: how many of the newest rounds must be clean.
    package var rounds: Int
    /// M: the fewest contacts each of them must have compared.
    package var minKeys: Int64

    package init(rounds: Int = 3, minKeys: Int64 = 1) {
        self.rounds = max(1, rounds)
        self.minKeys = max(0, minKeys)
    }

    package struct Invalid: Error, CustomStringConvertible, Sendable {
        package var variable: String
        package var value: String
        package var description: String { "configuration \(variable): \"\(value)\" is not a non-negative integer" }
    }

    /// BRIDGE_GATE_ROUNDS (default 3) and BRIDGE_GATE_MIN_KEYS (default 1).
    package static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RolloutGate {
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
    package func verdict(using conn: PostgresConnection) throws -> GateVerdict {
        let rounds = try conn.query("""
            SELECT \(fragment: RoundEvidence.columns) FROM bridge.comparison_rounds ORDER BY id DESC LIMIT \(self.rounds)
            """).map(RoundEvidence.init)
        var problems = rounds.flatMap { $0.problems(minKeys: minKeys) }
        if rounds.count < self.rounds {
            problems.insert("only \(rounds.count) comparison round\(rounds.count == 1 ? "" : "s") recorded, the gate needs \(self.rounds) clean one\(self.rounds == 1 ? "" : "s")", at: 0)
        }
        return GateVerdict(open: problems.isEmpty, rounds: self.rounds, minKeys: minKeys, checkedRounds: rounds.map(\.id), problems: problems)
    }
}
