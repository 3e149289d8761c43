import BridgeTestSupport
import Foundation
import Testing

/// `bridge run` serves /metrics, /healthz, /status and a status page on BRIDGE_HTTP, and stops
/// cleanly on SIGTERM.
@Suite(.sharedMachine) struct MonitoringTests {
    @Test func runServesMetricsHealthStatusAndAPage() async throws {
        try await withTestEnvironment { env in
            try await env.bridge.run(["generate", "--contacts", "50", "--events", "500", "--seed", "41"])
            let port = Int.random(in: 30_000...39_999)
            var bridge = env.bridge
            bridge.environment["BRIDGE_HTTP"] = "127.0.0.1:\(port)"
            let (process, _, err) = try bridge.start(["run", "--legacy", "--stream"])
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let base = "http://127.0.0.1:\(port)"

            // Healthy once both paths have caught up (bounded wait: joining the group takes a while).
            var health: (Int, String) = (0, "")
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                health = (try? await get(base + "/healthz")) ?? (0, "")
                if health.0 == 200, let status = try? await get(base + "/status"), caughtUp(status.1) { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(health.0 == 200, "healthz: \(health.1); bridge stderr: \(String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self).suffix(800))")

            let status = try await get(base + "/status")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.1.utf8)) as? [String: Any])
            #expect(json["healthy"] as? Bool == true)
            let paths = try #require(json["paths"] as? [[String: Any]])
            #expect(Set(paths.compactMap { $0["path"] as? String }) == ["legacy", "stream"])
            #expect(paths.allSatisfy { ($0["running_here"] as? Bool) == true })
            #expect(!status.1.contains("bridge:bridge@"), "the status never shows a password")

            let metrics = try await get(base + "/metrics")
            #expect(metrics.0 == 200)
            #expect(metrics.1.contains("bridge_records_consumed_total"))
            #expect(metrics.1.contains("bridge_lag_records"))
            #expect(metrics.1.contains("bridge_service_up"))

            let page = try await get(base + "/")
            #expect(page.0 == 200 && page.1.contains("<h1>SQL-to-stream bridge</h1>") && page.1.contains("healthy"))
            try screenshot(url: base + "/", name: "status-page.png")

            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "graceful shutdown on SIGTERM")
        }
    }

    /// Both paths running here, with records applied and no lag.
    func caughtUp(_ status: String) -> Bool {
        guard let json = try? JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any],
              let paths = json["paths"] as? [[String: Any]], paths.count == 2 else { return false }
        return paths.allSatisfy { ($0["lag_total"] as? Int) == 0 && (($0["records"] as? Int) ?? 0) > 0 }
    }

    /// `url` is `http://127.0.0.1:<port><path>`.
    func get(_ url: String) async throws -> (Int, String) {
        let rest = url.dropFirst("http://127.0.0.1:".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let port = try #require(Int(rest[..<slash]), "not a loopback URL: \(url)")
        let result = try await LoopbackHTTP.get(port: port, path: rest[slash...].isEmpty ? "/" : String(rest[slash...]))
        return (result.code, result.body)
    }
}

/// Loads a page in headless Chromium (Debian's package, installed by scripts/bootstrap) and keeps
/// a screenshot under .bridge/screenshots for people to look at. Chromium must exit cleanly and
/// write a real image.
func screenshot(url: String, name: String) throws {
    let folder = BridgeProcess.packageRoot.appendingPathComponent(".bridge/screenshots")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent(name)
    try? FileManager.default.removeItem(at: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                         "--window-size=1280,1000", "--screenshot=\(file.path)", url]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "chromium loads \(url)")
    let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
    #expect(size > 10_000, "a real screenshot of \(url) at \(file.path)")
}
