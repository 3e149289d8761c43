import BridgeSupport
import Foundation
import Hummingbird
import KafkaClient
import Logging
import Metrics
import Prometheus
import Rollout
import ServiceLifecycle

/// The HTTP side of `bridge run`: `/metrics` (Prometheus text), the probes `/livez`, `/readyz`
/// and `/healthz` (ProbeRules says what each means), `/status` (JSON) and `/` (a status page
/// for people), on BRIDGE_HTTP.
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
    /// Its connections to the services close when it stops.
    struct HTTPService: Service {
        let address: String
        let application: any ApplicationProtocol
        let connections: ServiceConnections

        func run() async throws {
            do {
                try await application.run()
            } catch {
                await connections.close()
                throw ServerFailed(address: address, underlying: "\(error)")
            }
            await connections.close()
        }
    }

    struct ServerFailed: Error, CustomStringConvertible {
        var address: String
        var underlying: String
        var description: String { "HTTP server on \(address) (BRIDGE_HTTP) failed: \(underlying); use --http or --no-http" }
    }

    /// `components`: the names of what this process runs (`Components.names`), the ones
    /// `/readyz` and `/livez` judge.
    static func make(configuration: BridgeConfiguration, components: [String], logger: Logger) throws -> HTTPService {
        let address = configuration.httpAddress
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw InvalidAddress(address: address)
        }
        let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            // Loopback is the default; binding elsewhere exposes the status page and metrics.
            logger.warning("HTTP server binds \(address), which is not loopback: metrics and status are reachable from other hosts")
        }
        let rules = ProbeRules(livenessLimit: TimeInterval(configuration.tuning.livenessSeconds))
        let connections = ServiceConnections(configuration: configuration)
        let collector = StatusCollector(connections: connections, components: components, rules: rules)
        let gauges = StatusGauges()
        Gauge(label: "bridge_build_info", dimensions: [("version", BridgeVersion.number), ("librdkafka", librdkafkaVersion)]).record(1)
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            gauges.update(from: await collector.collect())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: registry.emitToString())))
        }
        router.get("/livez") { _, _ -> Response in
            // Answered from this process alone, never from the services: see ProbeRules.
            verdict(ok: "alive", failed: "not alive", problems: rules.liveness(activity: PathActivity.shared.snapshots, now: Date()))
        }
        router.get("/readyz") { _, _ -> Response in
            let status = await collector.collect()
            return verdict(ok: "ready", failed: "not ready", problems: status.readinessProblems)
        }
        router.get("/healthz") { _, _ -> Response in
            let status = await collector.collect()
            return verdict(ok: "ok", failed: "unhealthy", problems: status.problems)
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
        return HTTPService(address: address, application: application, connections: connections)
    }

    /// A probe's answer: 200 and `ok`, or 503 and `failed` followed by one `- problem` line each.
    static func verdict(ok: String, failed: String, problems: [String]) -> Response {
        let text = problems.isEmpty ? ok + "\n" : failed + "\n" + problems.map { "- \($0)\n" }.joined()
        return Response(status: problems.isEmpty ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
