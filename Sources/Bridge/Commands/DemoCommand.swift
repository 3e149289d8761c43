import ArgumentParser
import BridgeSupport
import Foundation
import Logging

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole story on the configured (by default the embedded) services: topics, migrations, a workload, both paths and the router, comparisons, an injected discrepancy, a canary step, the HTML report.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Contacts in the generated workload.") var contacts = 2000
    @Option(help: "Message events in the generated workload.") var events = 40000
    @Option(help: "Seed of the workload (default: the current time, so each demo adds new events).") var seed: UInt64?
    @Option(name: .customLong("report-dir"), help: "Where the HTML report goes.") var reportDir = ".bridge/reports"

    func run() async throws {
        Logs.bootstrap(defaultLevel: .warning)
        MonitoringServer.bootstrapMetrics()
        let story = DemoStory(configuration: try connection.configuration(), contacts: contacts, events: events,
                              seed: seed ?? UInt64(Date().timeIntervalSince1970), reportDirectory: URL(fileURLWithPath: reportDir),
                              logger: Logger(label: "bridge-demo"))
        try await story.tell()
    }
}
