import ArgumentParser
import BridgeSupport
import Comparator
import Foundation
import PostgresClient
import RedisClient

struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "One shadow comparison round: exit 0 when no discrepancy, 1 when any, 2 on error.",
        discussion: """
            Compares the legacy store (PostgreSQL) with the stream store (Redis) key by key at a \
            consistent cut and stores the round in bridge.comparison_rounds. Rules: \
            BRIDGE_COMPARE_IGNORE="field,table.field", BRIDGE_COMPARE_TOLERANCE="field=N,...", \
            BRIDGE_COMPARE_GRACE_SECONDS (default 60), BRIDGE_COMPARE_SAMPLE_LIMIT (default 100); \
            BRIDGE_COMPARE_VERIFY_EVERY (default 10) sets how often `bridge run --shadow` verifies.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "json, md (Markdown) or html.") var format: ReportFormat = .json
    @Option(help: "Write report-<id>.<ext> (and latest.html for html) into this folder and print the path(s).")
    var out: String?
    @Option(name: .customLong("grace-seconds"), help: "Lag older than this is reported as stale (BRIDGE_COMPARE_GRACE_SECONDS).")
    var graceSeconds: Double?
    @Flag(help: "Recompute the stream's digest sums from its stored rows instead of trusting the sums its commits maintain (slower; finds rows changed behind the stream engine's back).")
    var verify = false

    func validate() throws {
        if let graceSeconds, !(graceSeconds >= 0 && graceSeconds.isFinite) {
            throw ValidationError("--grace-seconds must be a non-negative number")
        }
    }

    func run() async throws {
        let clean: Bool
        do {
            clean = try await compare()
        } catch {
            // Contract: 2 on error, with one line naming what failed (ServiceUnavailable names
            // the service and its address).
            FileHandle.standardError.write(Data("bridge compare: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if !clean { throw ExitCode(1) }
    }

    private func compare() async throws -> Bool {
        let config = try connection.configuration()
        var settings = try ComparatorSettings.fromEnvironment()
        if let graceSeconds { settings.graceSeconds = graceSeconds }
        let postgres = try await PostgresClient(url: config.postgresURL, name: "compare-postgres")
        defer { postgres.close() }
        let redis = try await RedisClient(configuration: try config.redis(), name: "compare-redis")
        defer { redis.close() }

        // A round over millions of contacts takes a while: after 2 s, say what it is doing
        // (on standard error, so that the report on standard output stays clean).
        let progress = StageProgress(label: "bridge compare", line: .standardError(every: .seconds(2)))
        var comparator = ShadowComparator(postgres: postgres, redis: redis, kafka: config.kafka, topics: config.topics, settings: settings)
        comparator.progress = { progress.stage($0) }
        let round = try await progress.run { try await comparator.round(verify: verify) }
        let text = try await format.render(round, postgres: postgres)
        if let out {
            for file in try format.write(text, round: round, into: URL(fileURLWithPath: out)) { print(file.path) }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        return round.clean
    }
}

extension ReportFormat: ExpressibleByArgument {}
