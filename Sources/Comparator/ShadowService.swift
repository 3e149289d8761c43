import BridgeSupport
import Foundation
import Logging
import Metrics
import PostgresClient
import RedisClient
import ServiceLifecycle

/// `bridge run --shadow`: a comparison round every interval, each stored in PostgreSQL (so the
/// rollout gate and the trend charts survive restarts), counted in the metrics, and — when a
/// report folder is configured — written there as HTML.
///
/// A failed round (a store unreachable for a moment) is logged and counted, not fatal: the
/// comparator watches the paths, it must not be the thing that stops.
package struct ShadowService: Service {
    let configuration: BridgeConfiguration
    let settings: ComparatorSettings
    let interval: Duration
    let reportDirectory: URL?
    let exitWhenIdle: Bool
    let upstream: UpstreamCompletion?
    let logger: Logger
    /// Runs after each stored round (the rollout plan's decision; the comparator does not know
    /// the rollout).
    let afterRound: (@Sendable (ComparisonRound, PostgresClient) async -> Void)?

    package init(configuration: BridgeConfiguration, settings: ComparatorSettings, interval: Duration, reportDirectory: URL?,
                exitWhenIdle: Bool, upstream: UpstreamCompletion?, logger: Logger,
                afterRound: (@Sendable (ComparisonRound, PostgresClient) async -> Void)? = nil) {
        self.configuration = configuration
        self.settings = settings
        self.interval = interval
        self.reportDirectory = reportDirectory
        self.exitWhenIdle = exitWhenIdle
        self.upstream = upstream
        self.logger = logger
        self.afterRound = afterRound
    }

    package func run() async throws {
        let postgres = try await PostgresClient(url: configuration.postgresURL, name: "shadow-postgres")
        defer { postgres.close() }
        let redis = try await RedisClient(configuration: try configuration.redis(), name: "shadow-redis")
        defer { redis.close() }
        let comparator = ShadowComparator(postgres: postgres, redis: redis, kafka: configuration.kafka, topics: configuration.topics, settings: settings)
        // Reports to /readyz like the paths do; it sleeps between rounds, so it reports no polls
        // and /livez leaves it out.
        PathActivity.shared.started("shadow")
        var rounds = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // With --exit-when-idle the last round runs once the paths of this process are done,
            // so it compares their final state; alone in a process, one round is the job.
            let last = exitWhenIdle && (upstream?.allFinished ?? true)
            // The first round and every `verifyEvery`-th after it recompute the stream's sums
            // from its rows instead of trusting the ones its commits maintain.
            let verify = settings.verifyEvery > 0 && rounds % settings.verifyEvery == 0
            rounds += 1
            await runRound(comparator, verify: verify, postgres: postgres)
            if last { return }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    private func runRound(_ comparator: ShadowComparator, verify: Bool, postgres: PostgresClient) async {
        do {
            let round = try await comparator.round(verify: verify)
            Counter(label: "bridge_comparison_rounds_total", dimensions: [("result", round.clean ? "clean" : "discrepancies")]).increment()
            Gauge(label: "bridge_comparison_mismatch_rate").record(round.outcome.mismatchRate)
            Metrics.Timer(label: "bridge_comparison_duration_seconds", preferredDisplayUnit: .seconds)
                .recordMilliseconds(round.durationMillis)
            for (kind, count) in round.outcome.counts {
                Counter(label: "bridge_comparison_discrepancies_total", dimensions: [("kind", kind.rawValue)]).increment(by: count)
            }
            for (verdict, count) in round.judging.verdicts {
                Counter(label: "bridge_comparison_verdicts_total", dimensions: [("verdict", verdict.rawValue)]).increment(by: count)
            }
            Counter(label: "bridge_comparison_judged_records_total").increment(by: round.judging.cost.recordsRead)
            for sample in round.outcome.samples {
                for field in sample.fields {
                    Counter(label: "bridge_comparison_field_mismatches_total",
                            dimensions: [("table", sample.table.rawValue), ("field", field.field)]).increment()
                }
            }
            PathActivity.shared.applied("shadow", records: round.outcome.comparedRows)
            var files: [URL] = []
            if let reportDirectory {
                let html = try await ReportFormat.html.render(round, postgres: postgres)
                files = try ReportFormat.html.write(html, round: round, into: reportDirectory)
            }
            logger.info("shadow: round \(round.id) \(round.clean ? "clean" : "found discrepancies")",
                        metadata: ["compared": "\(round.outcome.comparedRows)", "discrepancies": "\(round.outcome.totalDiscrepancies)",
                                   "mismatch_rate": "\(round.outcome.mismatchRate)", "report": "\(files.last?.path ?? "-")",
                                   "verdicts": "\(JudgingText.summary(round.judging, mismatches: round.outcome.mismatches))",
                                   "stream_lag": "\(round.streamLag)"])
            await afterRound?(round, postgres)
        } catch {
            Counter(label: "bridge_comparison_rounds_total", dimensions: [("result", "failed")]).increment()
            PathActivity.shared.failed("shadow", error)
            logger.error("shadow: comparison round failed: \(error)")
        }
    }
}
