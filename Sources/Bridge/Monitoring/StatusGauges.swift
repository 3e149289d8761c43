import BridgeModel
import Metrics
import Rollout

/// Gauges derived from the status: lag per path and partition, service reachability, health
/// and readiness, the rollout phase and the newest comparison round. Refreshed on every scrape.
struct StatusGauges: Sendable {
    func update(from status: StatusSnapshot) {
        for path in status.paths {
            for p in path.partitions {
                Gauge(label: "bridge_lag_records", dimensions: [("path", path.path), ("partition", p.partition)]).record(p.lag)
            }
        }
        for service in status.services {
            Gauge(label: "bridge_service_up", dimensions: [("service", service.service)]).record(service.ok ? 1 : 0)
        }
        if let rollout = status.rollout {
            for phase in RolloutPhase.allCases {
                Gauge(label: "bridge_rollout_phase", dimensions: [("phase", phase.rawValue)]).record(rollout.phase == phase ? 1 : 0)
            }
            Gauge(label: "bridge_rollout_stream_percent").record(rollout.percent)
            Gauge(label: "bridge_rollout_gate_open").record(rollout.gate.open ? 1 : 0)
        }
        if let last = status.rounds.first {
            Gauge(label: "bridge_comparison_last_mismatch_rate").record(last.mismatchRate)
            Gauge(label: "bridge_comparison_last_discrepancies").record(last.discrepancies)
            Gauge(label: "bridge_comparison_last_consistent").record(last.consistent ? 1 : 0)
            if let finished = last.finishedAt.flatMap(Timestamp.parseRFC3339) {
                Gauge(label: "bridge_comparison_last_round_timestamp_seconds").record(Double(finished.millis) / 1000)
            }
        }
        Gauge(label: "bridge_healthy").record(status.healthy ? 1 : 0)
        Gauge(label: "bridge_ready").record(status.ready ? 1 : 0)
        for (component, ready) in status.componentsReady {
            Gauge(label: "bridge_component_ready", dimensions: [("component", component)]).record(ready ? 1 : 0)
        }
    }
}
