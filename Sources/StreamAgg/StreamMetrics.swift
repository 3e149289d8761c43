import Metrics

/// The stream path's own metrics (the input loop already counts records, batches and their
/// durations for every path).
struct StreamMetrics: Sendable {
    let applied = Counter(label: "bridge_stream_records_applied_total")
    let skipped = Counter(label: "bridge_stream_records_skipped_total")
    let duplicates = Counter(label: "bridge_stream_duplicate_events_total")
    let groups = Recorder(label: "bridge_stream_groups_per_batch")
    let roundTrips = Counter(label: "bridge_stream_redis_round_trips_total")
    let published = Counter(label: "bridge_stream_rows_published_total")
    let endToEnd = Metrics.Timer(label: "bridge_end_to_end_latency_seconds", dimensions: [("path", "stream")],
                                 preferredDisplayUnit: .seconds)
    let deadLetters = Counter(label: "bridge_dead_letters_total", dimensions: [("path", "stream")])
}
