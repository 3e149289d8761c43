import ArgumentParser
import BridgeSupport
import Foundation
import Logging

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
    @Flag(help: "The shadow comparator: a comparison round every --shadow-interval seconds.") var shadow = false
    @Option(name: .customLong("shadow-interval"), help: "Seconds between shadow comparison rounds (BRIDGE_SHADOW_INTERVAL_SECONDS, default 30).")
    var shadowInterval: Int?
    @Option(name: .customLong("report-dir"), help: "Where the shadow comparator writes report-<id>.html and latest.html.")
    var reportDir: String?
    @Flag(name: .customLong("no-http"), help: "Do not serve /metrics, /healthz, /status and the status page on BRIDGE_HTTP.")
    var noHTTP = false

    func run() async throws {
        Logs.bootstrap()
        MonitoringServer.bootstrapMetrics()
        let config = try connection.configuration()
        let all = !legacy && !stream && !router && !shadow
        let components = Components(
            legacy: legacy || all, stream: stream || all, router: router || all, shadow: shadow || all, http: !noHTTP,
            exitWhenIdle: exitWhenIdle, shadowInterval: .seconds(shadowInterval ?? config.tuning.shadowIntervalSeconds),
            reportDirectory: reportDir.map { URL(fileURLWithPath: $0) })
        try await components.serviceGroup(configuration: config, logger: Logger(label: "bridge")).run()
    }
}
