import BridgeSupport
import Metrics

/// The stream engine's metrics: the batch series every path records (`PathMetrics`; a batch's
/// duration runs from its poll to its outputs acknowledged), and the engine's own.
struct StreamEngineMetrics: Sendable {
    let batches = PathMetrics(path: "stream")
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
