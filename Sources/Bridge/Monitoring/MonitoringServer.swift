import BridgeSupport
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import Rollout
import ServiceLifecycle

/// The HTTP side of `bridge run`: `/metrics` (Prometheus text), `/healthz`, `/status` (JSON)
/// and `/` (a status page for people), on BRIDGE_HTTP.
enum MonitoringServer {
    /// One registry per process, installed as the swift-metrics backend before any path starts,
    /// so every Counter/Timer the paths create lands in it, with its help text.
    static let registry = PrometheusCollectorRegistry()

    static func bootstrapMetrics() {
        MetricsSystem.bootstrap(CataloguedMetricsFactory(registry: registry))
    }

    struct InvalidAddress: Error, CustomStringConvertible {
        var address: String
        var description: String { "BRIDGE_HTTP \(address): expected host:port" }
    }

    /// The HTTP server as a service whose failure (a port already taken) names the address.
    struct HTTPService: Service {
        let address: String
        let application: any ApplicationProtocol

        func run() async throws {
            do { try await application.run() } catch {
                throw ServerFailed(address: address, underlying: "\(error)")
            }
        }
    }

    struct ServerFailed: Error, CustomStringConvertible {
        var address: String
        var underlying: String
        var description: String { "HTTP server on \(address) (BRIDGE_HTTP) failed: \(underlying); use --http or --no-http" }
    }

    static func make(configuration: BridgeConfiguration, logger: Logger) throws -> HTTPService {
        let address = configuration.httpAddress
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw InvalidAddress(address: address)
        }
        let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            // Loopback is the default; binding elsewhere exposes the status page and metrics.
            logger.warning("HTTP server binds \(address), which is not loopback: metrics and status are reachable from other hosts")
        }
        let collector = StatusCollector(configuration: configuration)
        let gauges = StatusGauges()
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            gauges.update(from: await collector.collect())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: registry.emitToString())))
        }
        router.get("/healthz") { _, _ -> Response in
            let status = await collector.collect()
            let text = status.healthy ? "ok\n" : "unhealthy\n" + status.problems.map { "- \($0)\n" }.joined()
            return Response(status: status.healthy ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/status") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: await collector.collect().json)))
        }
        router.get("/") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: StatusPage.render(await collector.collect()))))
        }
        let application = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "bridge"),
                                      logger: logger)
        return HTTPService(address: address, application: application)
    }
}

/// Gauges derived from the status: lag per path and partition, service reachability, the
/// rollout phase and the last comparison round. Refreshed on every scrape.
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
        }
        Gauge(label: "bridge_healthy").record(status.healthy ? 1 : 0)
    }
}
