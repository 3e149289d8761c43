import BridgeTestSupport
import Foundation
import PostgresClient
import RedisClient
import Testing

/// The probes of `bridge run` as an orchestrator uses them, and what the endpoints cost the
/// services (docs/operations.md, "HTTP endpoints"). Redis is a private server of the test's
/// own, so that it can be stopped, and so that its connection counter counts this bridge only;
/// the scrape test has a broker of its own too, so that its 900 requests load no one else's.
@Suite(.sharedMachine) struct ProbeTests {
    @Test("A service outage makes /readyz 503 naming it while /livez stays 200; both recover")
    func readinessFollowsAnOutageAndLivenessDoesNot() async throws {
        try await withPrivateRedis { redis in
            try await redis.start()
            try await withTestEnvironment { env in
                try await env.bridge.run(["generate", "--contacts", "40", "--events", "400", "--seed", "61"])
                let http = BridgeHTTP(port: BridgeHTTP.freshPort())
                var bridge = env.bridge
                bridge.environment["BRIDGE_HTTP"] = http.address
                bridge.environment["BRIDGE_REDIS_URL"] = redis.url
                let (process, _, err) = try bridge.start(["run", "--stream"])
                defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

                // Alive at once; ready once its group assigned it partitions and it applied the input.
                #expect(try await eventually(seconds: 10) { await http.get("/livez") == (200, "alive\n") }, "\(tail(err))")
                var readiness = (code: 0, body: "")
                let ready = try await eventually(seconds: 60) {
                    readiness = await http.get("/readyz")
                    return readiness.code == 200
                }
                #expect(ready, "ready before the outage: \(readiness.body); \(tail(err))")

                try await redis.stop()
                var notReady = (code: 0, body: "")
                let noticed = try await eventually(seconds: 20) {
                    notReady = await http.get("/readyz")
                    return notReady.code == 503
                }
                #expect(noticed && notReady.body.hasPrefix("not ready\n"), "\(notReady)")
                #expect(notReady.body.contains("- redis at 127.0.0.1:\(redis.port) (needed by stream)"), "\(notReady.body)")
                #expect(await http.get("/healthz").code == 503)
                // The point of the split: restarting the process would not bring Redis back.
                #expect(await http.get("/livez") == (200, "alive\n"), "liveness ignores the outage")
                let status = try JSONSerialization.jsonObject(with: Data(await http.get("/status").body.utf8)) as? [String: Any]
                #expect(status?["ready"] as? Bool == false && (status?["components_ready"] as? [String: Bool])?["stream"] == false)

                try await redis.start()
                let recovered = try await eventually(seconds: 60) {
                    readiness = await http.get("/readyz")
                    return readiness == (200, "ready\n")
                }
                #expect(recovered, "ready again: \(readiness.body); \(tail(err))")
                #expect(process.isRunning, "waited the outage out: \(tail(err))")

                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
            }
        }
    }

    @Test("300 rounds of /metrics, /status and /readyz open no PostgreSQL session and no Redis connection")
    func scrapesReuseTheProcessConnections() async throws {
        try await withPrivateRedis { redis in
            try await redis.start()
            let broker = try PrivateBroker()
            defer { broker.remove() }
            try await broker.start()
            try await withTestEnvironment { env in
                let http = BridgeHTTP(port: BridgeHTTP.freshPort())
                var bridge = env.bridge
                bridge.environment["BRIDGE_HTTP"] = http.address
                bridge.environment["BRIDGE_REDIS_URL"] = redis.url
                bridge.environment["BRIDGE_KAFKA_BROKERS"] = broker.address
                try await bridge.run(["topics"])
                try await bridge.run(["generate", "--contacts", "40", "--events", "400", "--seed", "62"])
                // The stream path keeps its Redis connections; PostgreSQL is used by the endpoints alone.
                let (process, _, err) = try bridge.start(["run", "--stream"])
                defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
                #expect(try await eventually(seconds: 60) { await http.get("/readyz").code == 200 }, "\(tail(err))")
                for path in ["/metrics", "/status", "/readyz", "/healthz", "/"] { _ = await http.get(path) }

                // Counted from outside the test's database, on connections opened before the first count.
                let admin = try await PostgresClient(url: TestDatabase.adminURL)
                let counter = try await RedisClient(configuration: try RedisConfiguration(url: redis.url))
                func sessions() async throws -> Int64 {
                    // Backends report their session counts to the statistics within about a second.
                    try await Task.sleep(for: .milliseconds(1500))
                    try await admin.query("SELECT pg_stat_clear_snapshot()")
                    return try await admin.query("SELECT sessions FROM pg_stat_database WHERE datname = \(env.database.name)")[0].int(0)
                }
                func connectionsReceived() async throws -> Int {
                    let info = try await counter.command(["INFO", "stats"]).string ?? ""
                    let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("total_connections_received:") }
                    return Int(line?.split(separator: ":").last ?? "") ?? -1
                }
                let sessionsBefore = try await sessions()
                let connectionsBefore = try await connectionsReceived()

                var codes: [String: Set<Int>] = [:]
                for _ in 0..<300 {
                    for path in ["/metrics", "/status", "/readyz"] { codes[path, default: []].insert(await http.get(path).code) }
                }
                let sessionsAfter = try await sessions()
                let connectionsAfter = try await connectionsReceived()
                admin.close()
                counter.close()

                #expect(codes == ["/metrics": [200], "/status": [200], "/readyz": [200]], "\(codes); \(tail(err))")
                #expect(sessionsBefore > 0, "the endpoints' own session is counted")
                #expect(sessionsAfter == sessionsBefore, "PostgreSQL sessions \(sessionsBefore) -> \(sessionsAfter)")
                #expect(connectionsBefore > 0 && connectionsAfter == connectionsBefore, "Redis connections \(connectionsBefore) -> \(connectionsAfter)")
                // And the scrapes did reach the services: every probe answered.
                let status = try JSONSerialization.jsonObject(with: Data(await http.get("/status").body.utf8)) as? [String: Any]
                let services = (status?["services"] as? [[String: Any]]) ?? []
                #expect(services.count == 3 && services.allSatisfy { $0["ok"] as? Bool == true }, "\(services)")

                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
            }
        }
    }
}
