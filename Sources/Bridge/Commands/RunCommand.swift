import ArgumentParser
import BridgeSupport
import LegacySQL
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
    @Flag(name: .customLong("exit-when-idle"),
          help: "Exit 0 once every input partition is consumed to its end and every output is flushed and committed.")
    var exitWhenIdle = false

    func run() async throws {
        Logs.bootstrap()
        let config = try connection.configuration()
        let logger = Logger(label: "bridge")
        let all = !legacy && !stream
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        // With --exit-when-idle each component returns on its own; the group ends when all
        // have. A component that fails takes the group down (non-zero exit).
        let onSuccess: ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior = exitWhenIdle ? .ignore : .gracefullyShutdownGroup
        if legacy || all {
            services.append(.init(service: try await LegacyPath.makeService(configuration: config, exitWhenIdle: exitWhenIdle, logger: logger),
                                  successTerminationBehavior: onSuccess, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if stream || all {
            services.append(.init(service: try await StreamPath.makeService(configuration: config, exitWhenIdle: exitWhenIdle, logger: logger),
                                  successTerminationBehavior: onSuccess, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
