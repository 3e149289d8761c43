import ArgumentParser
import BridgeSupport
import LegacySQL
import Rollout
import Logging
import ServiceLifecycle
import StreamAgg

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the named components (all of them when none is named) until SIGINT/SIGTERM.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "The legacy path: stored procedures in PostgreSQL fed from Kafka.") var legacy = false
    @Flag(help: "The stream path: per-contact state in Redis.") var stream = false
    @Flag(help: "The serving router: forwards each key's row to contact-summary from the path the rollout makes authoritative.")
    var router = false
    @Flag(name: .customLong("exit-when-idle"),
          help: "Exit 0 once every input partition is consumed to its end and every output is flushed and committed.")
    var exitWhenIdle = false
    @Flag(name: .customLong("no-http"), help: "Do not serve /metrics, /healthz, /status and the status page on BRIDGE_HTTP.")
    var noHTTP = false

    func run() async throws {
        Logs.bootstrap()
        MonitoringServer.bootstrapMetrics()
        let config = try connection.configuration()
        let logger = Logger(label: "bridge")
        let all = !legacy && !stream && !router
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        // Lets a router with --exit-when-idle tell that the paths feeding it in this process are done.
        let upstream = UpstreamCompletion()
        // With --exit-when-idle each component returns on its own; the group ends when all
        // have. A component that fails takes the group down (non-zero exit).
        let onSuccess: ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior = exitWhenIdle ? .ignore : .gracefullyShutdownGroup
        if legacy || all {
            services.append(.init(service: upstream.track(try await LegacyPath.makeService(configuration: config, exitWhenIdle: exitWhenIdle, logger: logger)),
                                  successTerminationBehavior: onSuccess, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if stream || all {
            services.append(.init(service: upstream.track(try await StreamPath.makeService(configuration: config, exitWhenIdle: exitWhenIdle, logger: logger)),
                                  successTerminationBehavior: onSuccess, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if router || all {
            services.append(.init(service: try await ServingRouter.make(configuration: config, exitWhenIdle: exitWhenIdle, logger: logger,
                                                                          upstream: (legacy || stream || all) ? upstream : nil),
                                  successTerminationBehavior: onSuccess, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        // The HTTP server runs as long as the components do; with --exit-when-idle the run is a
        // batch job, which has no one to serve.
        if !exitWhenIdle && !noHTTP {
            services.append(.init(service: try MonitoringServer.make(configuration: config, logger: logger),
                                  successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
