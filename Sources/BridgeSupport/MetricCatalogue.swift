/// Every metric the bridge exports, with its help text, its unit and (for histograms) its
/// buckets: the one place `/metrics` takes its `# HELP` lines from.
///
/// Code creates metrics with swift-metrics as usual (`Counter(label: "bridge_…")`); the
/// exporter looks the label up here. A metric that is missing is exported without help text,
/// which `promtool check metrics` reports: `MetricsLintTests` fails on that, and
/// `MetricCatalogueTests` on every `bridge_*` label in Sources/ that has no entry. So a new
/// metric needs one line here.
///
/// Names follow Prometheus' conventions, which promtool checks: snake_case, base units as the
/// last word before `_total` (`_seconds`, `_records`), `_total` on counters and nowhere else.
package enum MetricCatalogue {
    package enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// Histogram bucket bounds, in the unit the metric is recorded in.
    package enum Buckets: Sendable {
        /// For `Metrics.Timer` (durations).
        case durations([Duration])
        /// For aggregating `Recorder`s (plain numbers).
        case values([Double])
    }

    package struct Entry: Sendable {
        package var kind: Kind
        package var help: String
        /// What one unit of the value is ("seconds", "records", "percent"), a word of the name;
        /// nil for a count of the thing the name says, for ratios and for 0/1 states.
        package var unit: String?
        /// nil: the exporter's defaults (5 ms to 10 s, or 5 to 10,000).
        package var buckets: Buckets?

        static func counter(_ help: String, unit: String? = nil) -> Entry { Entry(kind: .counter, help: help, unit: unit) }
        static func gauge(_ help: String, unit: String? = nil) -> Entry { Entry(kind: .gauge, help: help, unit: unit) }
        static func histogram(_ help: String, unit: String?, buckets: Buckets) -> Entry {
            Entry(kind: .histogram, help: help, unit: unit, buckets: buckets)
        }
    }

    package static func entry(_ name: String) -> Entry? { entries[name] }

    // Batches run up to BRIDGE_BATCH_SIZE (20,000 by default, at most 1,000,000) records.
    private static let recordCounts: Buckets = .values([1, 10, 100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100_000, 1_000_000])
    // A legacy batch of 20,000 records over a long history takes minutes (docs/scaling.md).
    private static let batchDurations: Buckets = .durations([.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                                             .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
                                                             .seconds(30), .seconds(60), .seconds(120), .seconds(300)])
    private static let latencies: Buckets = .durations([.milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                                        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
                                                        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)])
    // About 20 s per million contacts on 2 cores (docs/benchmarks.md).
    private static let roundDurations: Buckets = .durations([.milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                                             .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
                                                             .seconds(120), .seconds(300), .seconds(600)])

    package static let entries: [String: Entry] = [
        // Every path's input loop (BridgeSupport/InputLoop.swift).
        "bridge_records_consumed_total": .counter("Input records a path consumed and applied (label path).", unit: "records"),
        "bridge_batches_total": .counter("Batches a path applied and committed (label path)."),
        "bridge_batch_size": .histogram("Records per batch a path applied (label path).", unit: nil, buckets: recordCounts),
        "bridge_batch_duration_seconds": .histogram("Time a path took to apply one batch, store and outputs included (label path).",
                                                    unit: "seconds", buckets: batchDurations),
        "bridge_commit_failures_total": .counter("Kafka offset commits that failed; harmless, the path's store decides where to resume (label path)."),
        "bridge_dead_letters_total": .counter("Invalid input records a path sent to the dead-letter topic (label path)."),

        // The stream path (StreamAgg/Engine).
        "bridge_stream_records_applied_total": .counter("Stream path: valid records applied (duplicate events excluded).", unit: "records"),
        "bridge_stream_duplicate_events_total": .counter("Stream path: message events ignored as duplicates of a (contact_id, event_id) already counted."),
        "bridge_stream_stage_seconds": .histogram("Stream path: time a batch spent in one stage (label stage: fold, commit, publish).",
                                                  unit: "seconds", buckets: batchDurations),
        "bridge_stream_rows_published_total": .counter("Stream path: aggregate rows published to the .stream topics."),
        "bridge_stream_partition_claims_total": .counter("Stream path: input partition pairs claimed in Redis (one per partition and assignment)."),
        "bridge_stream_outbox_republished_total": .counter("Stream path: keys published again from an outbox a previous owner left (a crash between commit and publish)."),
        "bridge_stream_engine_restarts_total": .counter("Stream path: runs ended and the group joined again (label reason: fenced, redis_lost_writes, unreachable)."),
        "bridge_end_to_end_latency_seconds": .histogram("Time from an input record's Kafka timestamp to its aggregate being published (label path).",
                                                        unit: "seconds", buckets: latencies),

        // The serving router and the rollout (Rollout, and the status on each scrape).
        "bridge_router_forwarded_total": .counter("Serving router: rows forwarded to the serving topic, by the path they came from (label path)."),
        "bridge_router_dropped_total": .counter("Serving router: rows not forwarded because the other path owns their key."),
        "bridge_router_republished_total": .counter("Serving router: rows re-published after a rollout change moved their key (label path)."),
        "bridge_rollout_stream_percent": .gauge("Share of keys the rollout gives the stream path, 0 to 100.", unit: "percent"),
        "bridge_rollout_phase": .gauge("1 for the current rollout phase, 0 for the others (label phase: shadow, canary, cutover)."),
        "bridge_rollout_plan_moves_total": .counter("Automatic rollout moves the plan made in this process (label action: advance, rollback)."),
        "bridge_rollout_gate_open": .gauge("1 when the rollout gate is open: the newest comparison rounds are clean."),

        // The shadow comparator (Comparator/ShadowService.swift) and the newest stored round.
        "bridge_comparison_rounds_total": .counter("Comparison rounds this process ran (label result: clean, discrepancies, failed)."),
        "bridge_comparison_mismatch_rate": .gauge("Mismatch rate of the last round this process ran: (value mismatches + missing keys) / rows compared, 0 to 1."),
        "bridge_comparison_duration_seconds": .histogram("Duration of a comparison round this process ran.", unit: "seconds",
                                                         buckets: roundDurations),
        "bridge_comparison_discrepancies_total": .counter("Discrepancies found by this process's rounds (label kind)."),
        "bridge_comparison_field_mismatches_total": .counter("Differing fields in the discrepancies listed by this process's rounds (labels table, field)."),
        "bridge_comparison_verdicts_total": .counter("Mismatches found by this process's rounds, by verdict against the input records (label verdict: agree, legacy_wrong, stream_wrong, both_wrong, undetermined, unjudged)."),
        "bridge_comparison_judged_records_total": .counter("Input records this process's rounds read from Kafka to judge their mismatches.", unit: "records"),
        "bridge_comparison_last_mismatch_rate": .gauge("Mismatch rate of the newest stored comparison round, whoever ran it, 0 to 1."),
        "bridge_comparison_last_discrepancies": .gauge("Discrepancies of the newest stored comparison round, whoever ran it."),
        "bridge_comparison_last_consistent": .gauge("1 when the newest stored comparison round was taken at a consistent cut."),
        "bridge_comparison_last_round_timestamp_seconds": .gauge("When the newest stored comparison round finished, in seconds since the Unix epoch.",
                                                                 unit: "seconds"),

        // The status this process collects on each scrape (Bridge/Monitoring).
        "bridge_lag_records": .gauge("Records of an input partition a path has not applied yet: high watermark minus the path's next offset (labels path, partition).",
                                     unit: "records"),
        "bridge_service_up": .gauge("1 when the service answers this process's probe (label service: postgresql, redis, kafka)."),
        "bridge_healthy": .gauge("1 when /healthz says ok."),
        "bridge_ready": .gauge("1 when /readyz says ready: every component of this process connected and making progress."),
        "bridge_component_ready": .gauge("1 when a component of this process is connected and making progress (label component: legacy, stream, router, shadow)."),
        "bridge_build_info": .gauge("Always 1; the labels say which build runs (labels version, librdkafka)."),
    ]
}
