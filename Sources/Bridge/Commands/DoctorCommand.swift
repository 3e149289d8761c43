import ArgumentParser
import BridgeSupport
import Foundation
import ServiceSupport

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check each service: reachable, its version and latency, one line each.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let config = try connection.configuration()
        let connections = ServiceConnections(configuration: config)
        let results = await ServiceProbe(connections: connections).probeAll()
        await connections.close()
        for r in results {
            let name = r.service.padding(toLength: 10, withPad: " ", startingAt: 0)
            if r.ok {
                let latency = r.latency.map { String(format: ", %.1f ms", $0.inSeconds * 1000) } ?? ""
                print("ok   \(name) \(r.address)  \(r.detail)\(latency)")
            } else {
                print("FAIL \(name) \(r.address)  \(r.detail)")
            }
        }
        if results.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}
