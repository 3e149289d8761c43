import Metrics

/// The stream engine's metrics. The first four have the names `InputLoop` gives the legacy
/// path's, with `path="stream"`, so one dashboard panel shows both paths.
struct StreamEngineMetrics: Sendable {
    let records = Counter(label: "bridge_records_consumed_total", dimensions: [("path", "stream")])
    let batches = Counter(label: "bridge_batches_total", dimensions: [("path", "stream")])
    let batchSize = Recorder(label: "bridge_batch_size", dimensions: [("path", "stream")])
    /// From the batch's poll to its outputs acknowledged.
    let batchDuration = Metrics.Timer(label: "bridge_batch_duration_seconds", dimensions: [("path", "stream")], preferredDisplayUnit: .seconds)
    let fold = Metrics.Timer(label: "bridge_stream_stage_seconds", dimensions: [("stage", "fold")], preferredDisplayUnit: .seconds)
    let commit = Metrics.Timer(label: "bridge_stream_stage_seconds", dimensions: [("stage", "commit")], preferredDisplayUnit: .seconds)
    let publish = Metrics.Timer(label: "bridge_stream_stage_seconds", dimensions: [("stage", "publish")], preferredDisplayUnit: .seconds)
    let applied = Counter(label: "bridge_stream_records_applied_total")
    let duplicates = Counter(label: "bridge_stream_duplicate_events_total")
    let published = Counter(label: "bridge_stream_rows_published_total")
    let endToEnd = Metrics.Timer(label: "bridge_end_to_end_latency_seconds", dimensions: [("path", "stream")],
                                 preferredDisplayUnit: .seconds)
    let deadLetters = Counter(label: "bridge_dead_letters_total", dimensions: [("path", "stream")])
    let claims = Counter(label: "bridge_stream_partition_claims_total")
    let republishedFromOutbox = Counter(label: "bridge_stream_outbox_republished_total")
    func restarts(_ reason: String) -> Counter { Counter(label: "bridge_stream_engine_restarts_total", dimensions: [("reason", reason)]) }
}
