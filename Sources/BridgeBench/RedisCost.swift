import Foundation
import RedisClient

/// What Redis spent while a path ran, from two readings of `INFO commandstats` and `INFO cpu`:
///
/// - `commandMicros`: the `usec` of the commands clients sent. Redis 7 also lists the commands a
///   script runs under their own names, while the script's `evalsha` time already includes
///   them; the commands only the stream path's scripts run are therefore left out (a script's
///   `hmget`/`hget` of its partition's meta hash stay in: one per call, a few microseconds).
/// - `cpuSeconds`: Redis' own process CPU (user + system), which adds the network and the
///   append-only file to the commands.
///
/// Both count everything Redis did meanwhile, so they mean something only on a quiet server.
struct RedisCost {
    struct Reading {
        var commandMicros: [String: Double]
        var cpuSeconds: Double
    }

    /// Commands the stream path issues only from inside its Lua scripts.
    static let scriptOnly: Set<String> = ["hset", "sadd", "set", "hdel", "hincrby", "hgetall", "get"]

    let redis: RedisClient

    func read() async throws -> Reading {
        let replies = try await redis.execute([.command(["INFO", "commandstats"]), .command(["INFO", "cpu"])])
        var micros: [String: Double] = [:]
        for line in (try replies[0].check().string ?? "").split(whereSeparator: \.isNewline) where line.hasPrefix("cmdstat_") {
            let parts = line.dropFirst("cmdstat_".count).split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            for field in parts[1].split(separator: ",") where field.hasPrefix("usec=") {
                micros[String(parts[0])] = Double(field.dropFirst("usec=".count))
            }
        }
        return Reading(commandMicros: micros, cpuSeconds: Self.cpuSeconds(info: try replies[1].check().string ?? ""))
    }

    /// used_cpu_user + used_cpu_sys from an `INFO cpu` reply: the server's process CPU.
    static func cpuSeconds(info: String) -> Double {
        var cpu = 0.0
        for line in info.split(whereSeparator: \.isNewline) {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2, pair[0] == "used_cpu_user" || pair[0] == "used_cpu_sys" { cpu += Double(pair[1].trimmingCharacters(in: .whitespaces)) ?? 0 }
        }
        return cpu
    }

    /// Microseconds of client commands between two readings (see the type's comment).
    static func commandMicros(from before: Reading, to after: Reading) -> Double {
        after.commandMicros.reduce(0) { total, entry in
            scriptOnly.contains(entry.key) ? total : total + max(0, entry.value - (before.commandMicros[entry.key] ?? 0))
        }
    }
}
