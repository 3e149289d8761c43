import BridgeSupport
import Foundation
import KafkaClient

/// What the broker alone allows on this machine, measured with kcat (C, librdkafka):
/// reading the inputs a path reads and writing as many records as it publishes.
///
/// Timing: each kcat is one whole process, spawn to exit (start-up and metadata included, no
/// consumer group): one `kcat -C -e` per input topic, run one after the other, writing each
/// record's value to /dev/null; then one `kcat -P` reading newline-separated values from a
/// prepared file into a scratch topic (acks=all, the librdkafka default; exit waits for every
/// delivery). ceiling = input records / (read seconds + write seconds): a path that must read
/// the input and write its output cannot beat it.
struct BrokerCeiling {
    let kcat: String
    let configuration: BridgeConfiguration

    struct Reading { var records: Int; var seconds: Double }

    func read(_ topics: [String], records: Int) async throws -> Reading {
        var seconds = 0.0
        for topic in topics {
            let child = try ChildProcess("/usr/bin/env", [kcat, "-b", configuration.kafkaBrokers, "-C", "-t", topic,
                                                          "-o", "beginning", "-e", "-q"], discardOutput: true)
            seconds += try await child.run(timeout: .seconds(600)).seconds
        }
        return Reading(records: records, seconds: seconds)
    }

    /// Writes `count` records of `bytes` bytes to `topic`.
    func write(count: Int, bytes: Int, to topic: String) async throws -> Reading {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-kcat-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        let line = String(repeating: "x", count: max(1, bytes)) + "\n"
        try String(repeating: line, count: count).write(to: file, atomically: false, encoding: .utf8)
        let child = try ChildProcess("/usr/bin/env", [kcat, "-b", configuration.kafkaBrokers, "-P", "-t", topic, "-q"],
                                     stdin: file, discardOutput: true)
        return Reading(records: count, seconds: try await child.run(timeout: .seconds(600)).seconds)
    }
}
