import ArgumentParser
import BridgeModel
import Comparator
import Foundation
import PostgresClient
import RedisClient

/// `bridge explain KEY`: which path is wrong about one key, judged by folding its input records.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Judge one key: fold its input records from Kafka and say which store is wrong. Exit 0 agree, 1 otherwise, 2 on error.",
        discussion: """
            Reads both stored rows (each with the input offsets it reflects), reads the key's input \
            records from Kafka from offset 0 up to what the stores applied (a contact: its partition \
            of each input topic, or every partition filtered by key when no store knows it; a \
            campus-day: every message-events partition), folds them with the contract's definitions \
            and prints the reference row, both stored rows, the fields where each differs, the \
            records and a verdict: agree, legacy_wrong, stream_wrong, both_wrong or undetermined \
            (input no longer retained from offset 0, or more than --max-records). See docs/comparator.md.
            """)

    enum Table: String, ExpressibleByArgument, CaseIterable { case contactSummary = "contact_summary", campusDaily = "campus_daily" }
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "A contact_id, or campus_id|YYYY-MM-DD with --table campus_daily.") var key: String
    @Option(help: "contact_summary or campus_daily.") var table: Table = .contactSummary
    @Option(help: "text or json.") var format: Format = .text
    @Option(name: .customLong("max-records"), help: "Undetermined when the fold would read more input records (BRIDGE_COMPARE_JUDGE_MAX_RECORDS, default 1000000).")
    var maxRecords: Int?

    func validate() throws {
        _ = try contestedKey()
        if let maxRecords, maxRecords < 1 { throw ValidationError("--max-records must be at least 1") }
    }

    func contestedKey() throws -> ContestedKey.Key {
        switch table {
        case .contactSummary:
            guard !key.isEmpty else { throw ValidationError("KEY is empty; expected a contact_id") }
            return .contact(key)
        case .campusDaily:
            guard let day = CampusDayKey(kafkaKey: key) else {
                throw ValidationError("campus_daily keys are campus_id|YYYY-MM-DD (for example north|2026-11-01), got \"\(key)\"")
            }
            return .campusDay(day)
        }
    }

    func run() async throws {
        let explanation: Explanation
        do {
            explanation = try await explain()
        } catch {
            FileHandle.standardError.write(Data("bridge explain: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(format == .json ? ExplanationReport.json(explanation) : ExplanationReport.text(explanation), terminator: "")
        if explanation.judgement.verdict != .agree { throw ExitCode(1) }
    }

    private func explain() async throws -> Explanation {
        let config = try connection.configuration()
        let settings = try ComparatorSettings.fromEnvironment()
        let postgres = try await PostgresClient(url: config.postgresURL, name: "explain-postgres")
        defer { postgres.close() }
        let redis = try await RedisClient(configuration: try config.redis(), name: "explain-redis")
        defer { redis.close() }
        let adjudicator = Adjudicator(kafka: config.kafka, topics: config.topics, rules: settings.rules,
                                      maxRecords: maxRecords ?? settings.judgeMaxRecords)
        return try await KeyExplainer(postgres: postgres, redis: redis, adjudicator: adjudicator).explain(try contestedKey())
    }
}
