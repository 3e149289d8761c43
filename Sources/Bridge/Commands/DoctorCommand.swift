import ArgumentParser
import BridgeSupport
import Foundation
import ServiceSupport

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check each service: reachable, its version and latency, one line each; exit 1 if any fails.")

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "One JSON object: ok, and per service service, address, ok, detail, latency_ms.") var json = false

    struct Report: Encodable {
        struct Service: Encodable {
            var service: String
            var address: String
            var ok: Bool
            var detail: String
            var latencyMs: Double?
        }
        var ok: Bool
        var services: [Service]
    }

    func run() async throws {
        let config = try connection.configuration()
        let connections = ServiceConnections(configuration: config)
        let results = await ServiceProbe(connections: connections).probeAll()
        await connections.close()
        if json {
            let report = Report(ok: results.allSatisfy(\.ok), services: results.map {
                .init(service: $0.service, address: $0.address, ok: $0.ok, detail: $0.detail,
                      latencyMs: $0.latency.map { ($0.inSeconds * 10_000).rounded() / 10 })
            })
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            for r in results {
                let name = r.service.padding(toLength: 10, withPad: " ", startingAt: 0)
                if r.ok {
                    let latency = r.latency.map { String(format: ", %.1f ms", $0.inSeconds * 1000) } ?? ""
                    print("ok   \(name) \(r.address)  \(r.detail)\(latency)")
                } else {
                    print("FAIL \(name) \(r.address)  \(r.detail)")
                }
            }
        }
        if results.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}
