import KafkaClient
import Metrics

/// The router's metrics: what it forwarded and dropped per path, what it re-published after
/// phase changes, and the stream path's current share of keys (for the status page and alerts).
struct RouterMetrics: Sendable {
    let forwardedLegacy = Counter(label: "bridge_router_forwarded_total", dimensions: [("path", "legacy")])
    let forwardedStream = Counter(label: "bridge_router_forwarded_total", dimensions: [("path", "stream")])
    let dropped = Counter(label: "bridge_router_dropped_total")
    let republishedLegacy = Counter(label: "bridge_router_republished_total", dimensions: [("path", "legacy")])
    let republishedStream = Counter(label: "bridge_router_republished_total", dimensions: [("path", "stream")])
    let streamShare = Recorder(label: "bridge_rollout_stream_percent", aggregate: false)

    func forwarded(_ records: [OutgoingRecord], dropped count: Int) {
        var stream = 0
        for record in records where ServingPath(headers: record.headers) == .stream { stream += 1 }
        forwardedStream.increment(by: stream)
        forwardedLegacy.increment(by: records.count - stream)
        dropped.increment(by: count)
    }

    func republished(legacy: Int, stream: Int) {
        republishedLegacy.increment(by: legacy)
        republishedStream.increment(by: stream)
    }
}
