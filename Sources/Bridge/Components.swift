import BridgeSupport
import Comparator
import Foundation
import LegacySQL
import Logging
import Rollout
import ServiceLifecycle
import StreamAgg

/// Which components one `bridge run` (or the demo) runs, assembled into one service group:
/// the two paths, the serving router, the shadow comparator and the HTTP server.
struct Components {
    var legacy = false
    var stream = false
    var router = false
    var shadow = false
    var http = false
    var exitWhenIdle = false
    var shadowInterval: Duration = .seconds(30)
    var reportDirectory: URL?

    /// The components by the names they report under (PathActivity), for `/readyz`.
    var names: [String] {
        [(legacy, "legacy"), (stream, "stream"), (router, "router"), (shadow, "shadow")].filter(\.0).map(\.1)
    }

    func serviceGroup(configuration config: BridgeConfiguration, logger: Logger) async throws -> ServiceGroup {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        // Lets the router and the comparator tell that the paths of this process are done.
        let upstream = UpstreamCompletion()
        let followsPaths = legacy || stream
        // With --exit-when-idle each component returns on its own; the group ends when all
        // have. A component that fails takes the group down (non-zero exit).
        let onSuccess: ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior = exitWhenIdle ? .ignore : .gracefullyShutdownGroup
        func add(_ service: any Service, onSuccess: ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior = onSuccess) {
            services.append(.init(service: service, successTerminationBehavior: onSuccess, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if legacy {
            add(upstream.track(LegacyPath.makeService(configuration: config, exitWhenIdle: exitWhenIdle, logger: logger)))
        }
        if stream {
            add(upstream.track(StreamEngine(configuration: config, exitWhenIdle: exitWhenIdle, logger: logger)))
        }
        if router {
            add(ServingRouter.makeService(configuration: config, exitWhenIdle: exitWhenIdle, logger: logger,
                                          upstream: followsPaths ? upstream : nil))
        }
        if shadow {
            // After each round the comparator hands over to the rollout plan, if there is one.
            let pilot = PlanPilot(gate: try RolloutGate.fromEnvironment(), logger: logger)
            add(ShadowService(configuration: config, settings: try ComparatorSettings.fromEnvironment(), interval: shadowInterval,
                              reportDirectory: reportDirectory, exitWhenIdle: exitWhenIdle,
                              upstream: followsPaths ? upstream : nil, logger: logger,
                              afterRound: { round, postgres in await pilot.afterRound(round.id, postgres: postgres) }))
        }
        // The HTTP server runs as long as the components do; with --exit-when-idle the run is a
        // batch job, which has no one to serve.
        if http && !exitWhenIdle {
            add(try MonitoringServer.make(configuration: config, components: names, logger: logger), onSuccess: .gracefullyShutdownGroup)
        }
        return ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }
}
