import ArgumentParser
import Foundation
import PostgresClient
import Rollout

/// `bridge rollout status [--json] | set PHASE [--percent P] | advance [--force] | rollback |
/// plan --steps ... | plan --show | plan --clear | pause | resume`.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Show or change the rollout phase (shadow -> canary -> cutover) that decides which path serves each key.",
        subcommands: [Status.self, Set.self, Advance.self, Rollback.self, Plan.self, Pause.self, Resume.self])
}

/// Flags every rollout change takes: who and why (for the audit history), and the gate's limits.
struct RolloutChangeOptions: ParsableArguments {
    @Option(name: .customLong("operator"), help: "Who makes the change (default: the OS user).")
    var operatorName: String?

    @Option(help: "Why, for the audit history.")
    var reason: String?

    @OptionGroup var gate: RolloutGateOptions
}

/// K and M of the gate: flags override BRIDGE_GATE_ROUNDS and BRIDGE_GATE_MIN_KEYS.
struct RolloutGateOptions: ParsableArguments {
    @Option(name: .customLong("gate-rounds"), help: "How many of the newest comparison rounds must be clean (BRIDGE_GATE_ROUNDS, default 3).")
    var rounds: Int?

    @Option(name: .customLong("gate-min-keys"), help: "The fewest contacts each of them must have compared (BRIDGE_GATE_MIN_KEYS, default 1).")
    var minKeys: Int64?

    func gate() throws -> RolloutGate {
        var gate = try RolloutGate.fromEnvironment()
        if let rounds {
            guard rounds >= 1 else { throw ValidationError("--gate-rounds must be at least 1") }
            gate.rounds = rounds
        }
        if let minKeys {
            guard minKeys >= 0 else { throw ValidationError("--gate-min-keys must not be negative") }
            gate.minKeys = minKeys
        }
        return gate
    }
}

extension RolloutPhase: ExpressibleByArgument {}

extension RolloutCommand {
    static func withStore<T: Sendable>(_ connection: ConnectionOptions, _ body: (RolloutStore) async throws -> T) async throws -> T {
        let config = try connection.configuration()
        let postgres = try await PostgresClient(url: config.postgresURL)
        defer { postgres.close() }
        return try await body(RolloutStore(postgres: postgres))
    }

    /// A refusal is an expected outcome, not a crash: one line on standard error, exit 1.
    static func report(_ change: () async throws -> RolloutStore.Change) async throws {
        do {
            let change = try await change()
            var line = "rollout \(change.action.rawValue): \(change.from) -> \(change.to)"
            if change.forced { line += " (FORCED past a closed gate)" }
            print(line)
        } catch let refused as RolloutStore.Refused {
            FileHandle.standardError.write(Data("\(refused.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The phase, since when, by whom and why; the gate's verdict; recent history.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var gate: RolloutGateOptions
        @Flag(help: "Print one JSON object instead of text.") var json = false
        @Option(help: "How many history entries to show.") var history = 5

        func run() async throws {
            let gate = try gate.gate()
            let limit = max(0, history)
            let status = try await RolloutCommand.withStore(connection) { try await $0.status(gate: gate, historyLimit: limit) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.keyEncodingStrategy = .convertToSnakeCase
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
            } else {
                print(RolloutStatusText.render(status))
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move to PHASE directly. Giving the stream path more keys needs a clean gate (or --force); fewer is always allowed.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var change: RolloutChangeOptions
        @Argument(help: "shadow, canary or cutover.") var phase: RolloutPhase
        @Option(help: "canary only: the percentage of keys (0-100) the stream path serves.") var percent: Int?
        @Flag(help: "Override a closed gate (recorded in the history as forced).") var force = false

        func validate() throws {
            if let percent {
                guard (0...100).contains(percent) else { throw ValidationError("--percent must be between 0 and 100") }
                guard phase == .canary else { throw ValidationError("--percent applies to canary only (shadow is 0%, cutover 100%)") }
            }
        }

        func run() async throws {
            let gate = try change.gate.gate()
            let who = OperatorIdentity.resolve(flag: change.operatorName)
            let (phase, percent, force, reason) = (self.phase, self.percent, self.force, change.reason)
            try await RolloutCommand.withStore(connection) { store in
                try await RolloutCommand.report {
                    try await store.set(phase, percent: percent, force: force, operator: who, reason: reason, gate: gate)
                }
            }
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "shadow -> canary (at --percent, default 10) or canary -> cutover; refused unless the last comparison rounds are clean.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var change: RolloutChangeOptions
        @Option(help: "From shadow: the canary percentage (0-100, default 10).") var percent: Int?
        @Flag(help: "Override a closed gate (recorded in the history as forced).") var force = false

        func validate() throws {
            if let percent, !(0...100).contains(percent) { throw ValidationError("--percent must be between 0 and 100") }
        }

        func run() async throws {
            let gate = try change.gate.gate()
            let who = OperatorIdentity.resolve(flag: change.operatorName)
            let (percent, force, reason) = (self.percent, self.force, change.reason)
            try await RolloutCommand.withStore(connection) { store in
                try await RolloutCommand.report {
                    try await store.advance(percent: percent, force: force, operator: who, reason: reason, gate: gate)
                }
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back to shadow (the legacy path serves every key) from any phase; never refused. A running router follows within a second.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var change: RolloutChangeOptions

        func run() async throws {
            let who = OperatorIdentity.resolve(flag: change.operatorName)
            let reason = change.reason
            try await RolloutCommand.withStore(connection) { store in
                try await RolloutCommand.report { try await store.rollback(operator: who, reason: reason) }
            }
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A progressive plan that `bridge run --shadow` carries out: step through --steps after --rounds clean rounds and --min-seconds each, roll back by itself.",
            discussion: """
                After each comparison round, `bridge run --shadow` advances to the next step once the \
                newest K rounds since the step began are consistent and clean (and the stream path not \
                behind) and S seconds have passed. During canary or cutover, a mismatch judged \
                stream_wrong, both_wrong or undetermined (or not judged) rolls back to shadow at once and \
                pauses the plan; legacy_wrong ones hold it unless accepted with --accept legacy_wrong. \
                Every automatic move is in the history, by `bridge`, with its round ids. See docs/rollout.md.
                """)

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var change: RolloutChangeOptions
        @Option(help: "Stream shares to step through, increasing, the last 100 (cutover): 1,10,50,100.") var steps: String?
        @Option(help: "Clean comparison rounds each step needs.") var rounds: Int?
        @Option(name: .customLong("min-seconds"), help: "Seconds each step lasts at least.") var minSeconds: Int?
        @Option(help: "legacy_wrong: mismatches judged legacy_wrong do not hold the plan.") var accept: [String] = []
        @Flag(help: "Show the plan, where it stands and its next action.") var show = false
        @Flag(help: "Remove the plan (the rollout stays where it is).") var clear = false

        func validate() throws {
            let modes = [steps != nil, show, clear].filter { $0 }.count
            guard modes == 1 else { throw ValidationError("give one of --steps (with --rounds and --min-seconds), --show or --clear") }
            if steps != nil {
                guard rounds != nil, minSeconds != nil else { throw ValidationError("--steps needs --rounds K and --min-seconds S") }
                do { _ = try plan().validated() } catch let invalid as RolloutPlan.Invalid { throw ValidationError(invalid.reason) }
            } else if rounds != nil || minSeconds != nil || !accept.isEmpty {
                throw ValidationError("--rounds, --min-seconds and --accept go with --steps")
            }
        }

        func plan() throws -> RolloutPlan {
            let parts = (steps ?? "").split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = parts.compactMap { Int($0) }
            guard numbers.count == parts.count else { throw RolloutPlan.Invalid(reason: "--steps must be percentages separated by commas, like 1,10,50,100") }
            return RolloutPlan(steps: numbers, rounds: rounds ?? 0, minSeconds: minSeconds ?? 0, accept: accept)
        }

        func run() async throws {
            let gate = try change.gate.gate()
            let who = OperatorIdentity.resolve(flag: change.operatorName)
            let reason = change.reason
            let config = try connection.configuration()
            let postgres = try await PostgresClient(url: config.postgresURL)
            defer { postgres.close() }
            let plans = PlanStore(postgres: postgres)
            if show {
                guard let status = try await plans.status(gate: gate) else { print("no rollout plan"); return }
                print(RolloutStatusText.plan(status).joined(separator: "\n"))
            } else if clear {
                print(try await plans.clear(operator: who, reason: reason) ? "rollout plan removed; the rollout stays where it is" : "no rollout plan to remove")
            } else {
                let plan = try plan()
                let id = try await plans.set(plan, operator: who, reason: reason)
                print("rollout plan: \(plan.summary) (history #\(id)); `bridge run --shadow` carries it out after each round")
            }
        }
    }

    /// `pause` and `resume`: a refusal (no plan) is one line on standard error, exit 1.
    static func setPaused(_ paused: Bool, _ connection: ConnectionOptions, _ change: RolloutChangeOptions) async throws {
        let who = OperatorIdentity.resolve(flag: change.operatorName)
        let reason = change.reason
        let config = try connection.configuration()
        let postgres = try await PostgresClient(url: config.postgresURL)
        defer { postgres.close() }
        do {
            try await PlanStore(postgres: postgres).setPaused(paused, operator: who, reason: reason)
            print(paused ? "rollout plan paused: no automatic move until `bridge rollout resume`" : "rollout plan resumed: `bridge run --shadow` acts after its next round")
        } catch let none as PlanStore.NoPlan {
            FileHandle.standardError.write(Data("bridge rollout \(paused ? "pause" : "resume"): \(none)\n".utf8))
            throw ExitCode(1)
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the rollout plan's automatic moves (the rollout stays where it is).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var change: RolloutChangeOptions
        func run() async throws { try await RolloutCommand.setPaused(true, connection, change) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let the rollout plan act again after the next comparison round.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var change: RolloutChangeOptions
        func run() async throws { try await RolloutCommand.setPaused(false, connection, change) }
    }
}
