import ArgumentParser
import BridgeSupport
import Comparator
import Foundation
import Rollout

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print every setting in force and where it came from (environment, flag, default); secrets redacted.",
        discussion: "Fails like any command when a setting is invalid, naming it.")

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "One JSON array: name, value, source, flag and meaning of each setting.") var json = false

    struct Line: Codable {
        var name: String
        var value: String
        /// "flag --x", "environment" or "default".
        var source: String
        var flag: String?
        var meaning: String
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let effective = SettingsCatalogue.Effective(bridge: try connection.configuration(),
                                                    comparator: try ComparatorSettings.fromEnvironment(environment),
                                                    gate: try RolloutGate.fromEnvironment(environment),
                                                    environment: environment)
        let flagsGiven = connection.givenFlags
        let lines = SettingsCatalogue.all.map { setting in
            let source: String
            if let flag = setting.flag, flagsGiven.contains(flag) {
                source = "flag \(flag)"
            } else if let text = environment[setting.variable], !text.isEmpty || setting.variable == "BRIDGE_TOPIC_PREFIX" {
                // An empty prefix is a value; any other empty variable means "the default".
                source = "environment"
            } else {
                source = "default"
            }
            return Line(name: setting.variable, value: setting.value(effective), source: source, flag: setting.flag, meaning: setting.meaning)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(lines), as: UTF8.self))
        } else {
            let nameWidth = lines.map(\.name.count).max() ?? 0
            let valueWidth = min(60, lines.map { Self.shown($0.value).count }.max() ?? 0)
            for line in lines {
                let value = Self.shown(line.value)
                print(line.name.padding(toLength: nameWidth + 2, withPad: " ", startingAt: 0)
                      + value.padding(toLength: max(valueWidth, value.count) + 2, withPad: " ", startingAt: 0) + line.source)
            }
        }
    }

    /// Empty values are shown as (empty), so that columns stay readable.
    static func shown(_ value: String) -> String { value.isEmpty ? "(empty)" : value }
}
