import BridgeSupport
import Foundation
import KafkaClient
import PostgresClient
import RedisClient

/// The machine and service versions a benchmark ran on, for the docs next to its figures.
package enum MachineDescription {
    package static func collect(_ config: BridgeConfiguration, kcat: String) async -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = value(of: "model name", in: cpuinfo, separator: ":") ?? "unknown CPU"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memKiB = value(of: "MemTotal", in: meminfo, separator: ":").flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let os = value(of: "PRETTY_NAME", in: osRelease, separator: "=")?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? "unknown OS"
        let kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        let swift = await firstLine(of: "/usr/bin/env", ["swift", "--version"]) ?? "swift: not found"
        let broker = await firstLine(of: "/usr/bin/env", ["sh", "-c", "tansu --version 2>/dev/null || .bridge/bin/tansu --version"]) ?? "broker version unknown"
        let kcatVersion = await firstLine(of: "/usr/bin/env", [kcat, "-V"], containing: "version") ?? "kcat"
        var postgres = "PostgreSQL ?"
        if let client = try? await PostgresClient(url: config.postgresURL) {
            if let v = try? await client.query("SHOW server_version")[0].string(0) { postgres = "PostgreSQL \(v)" }
            client.close()
        }
        var redis = "Redis ?"
        if let client = try? await RedisClient(configuration: try config.redis()) {
            let info = (try? await client.command(["INFO", "server"]).string) ?? ""
            let aof = (try? await client.command(["CONFIG", "GET", "appendonly"]).array?.last?.string) ?? "?"
            redis = "Redis \(value(of: "redis_version", in: info, separator: ":") ?? "?") (appendonly \(aof))"
            client.close()
        }
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores (\(model)), "
            + String(format: "%.1f GiB RAM, ", Double(memKiB) / 1_048_576)
            + "\(os) (Linux \(kernel)); \(swift); \(postgres), \(redis), \(broker) broker, librdkafka \(librdkafkaVersion), \(kcatVersion)"
    }

    private static func value(of key: String, in text: String, separator: Character) -> String? {
        // Split on every newline kind: "\r\n" (Redis INFO) is one Character in Swift.
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: separator, maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    private static func firstLine(of executable: String, _ arguments: [String], containing: String = "") async -> String? {
        guard let child = try? ChildProcess(executable, arguments),
              let outcome = try? await child.run(timeout: .seconds(30)) else { return nil }
        let text = outcome.stdout.isEmpty ? outcome.stderr : outcome.stdout
        return text.split(whereSeparator: \.isNewline).first(where: { containing.isEmpty || $0.lowercased().contains(containing) }).map { String($0).trimmingCharacters(in: .whitespaces) }
    }
}
