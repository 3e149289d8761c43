import ArgumentParser
import Foundation
import PostgresClient
import Rollout

/// `bridge rollout status [--json] | set PHASE [--percent P] | advance [--force] | rollback`.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Show or change the rollout phase (shadow -> canary -> cutover) that decides which path serves each key.",
        subcommands: [Status.self, Set.self, Advance.self, Rollback.self])
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
    static func report(_ change: () async throws -> RolloutChange) async throws {
        do {
            let change = try await change()
            var line = "rollout \(change.action.rawValue): \(change.from) -> \(change.to)"
            if change.forced { line += " (FORCED past a closed gate)" }
            print(line)
        } catch let refused as RolloutRefused {
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
}
