import ArgumentParser
import Foundation
import Logging

@main
struct BridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Run a legacy SQL aggregation pipeline and its stream replacement side by side, prove they agree, and move traffic over.",
        version: BridgeVersion.description,
        subcommands: [MigrateCommand.self, TopicsCommand.self, DoctorCommand.self, ConfigCommand.self, RunCommand.self,
                      GenerateCommand.self, ExportCommand.self, CompareCommand.self, ExplainCommand.self, RolloutCommand.self, StreamCommand.self,
                      DemoCommand.self, BenchCommand.self])
}

/// Logs go to standard error so that commands whose output is data (`export`) stay clean.
enum Logs {
    static func bootstrap(defaultLevel: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            let level = ProcessInfo.processInfo.environment["BRIDGE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            handler.logLevel = level ?? defaultLevel
            return handler
        }
    }
}
