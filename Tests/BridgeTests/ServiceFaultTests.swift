import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient
import Testing

/// `bridge run` (all components and the HTTP server) while a service it depends on fails under
/// load: PostgreSQL restarted, the broker frozen past the consumers' session timeout. The
/// bridge must wait the fault out (never exit), say so on /healthz meanwhile, and end exact
/// on both paths once the service is back. Each fault is done to a private server of the
/// test's own (PrivatePostgres, PrivateBroker), never to the shared ones.
@Suite(.serialized, .sharedMachine) struct ServiceFaultTests {
    @Test func postgresRestartedUnderLoadIsWaitedOutAndEndsExact() async throws {
        let postgres = try PrivatePostgres()
        defer { postgres.remove() }
        let run = try await FaultRun.make(postgresURL: postgres.url)
        try await run.bridge.run(["migrate"])
        try await run.bridge.run(["topics"])
        try await run.bridge.run(["generate", "--contacts", "300", "--events", "8000", "--seed", "51", "--invalid-share", "0.02"])

        let (process, _, err) = try run.bridge.start(["run", "--shadow-interval", "2"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Under way: both paths joined their groups and applied batches, and /healthz was ok.
        let ready = try await run.waitUntil(seconds: 45) {
            let ok = await run.health().code == 200
            let legacy = await run.recordsApplied(path: "legacy", atLeast: 1)
            return ok && legacy
        }
        let before = await run.health()
        #expect(ready, "healthy and processing before the fault: \(before); \(run.stderr(err))")

        try postgres.stop(mode: "immediate")
        let stoppedAt = ContinuousClock.now
        // Input keeps arriving while PostgreSQL is down (the broker is up).
        try await run.bridge.run(["generate", "--contacts", "300", "--events", "4000", "--seed", "52"])
        var downCodes: [Int] = []
        var downBody = ""
        while ContinuousClock.now - stoppedAt < .seconds(8) {
            let health = await run.health()
            downCodes.append(health.code)
            if health.code != 200 { downBody = health.body }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(process.isRunning, "bridge run is still running with PostgreSQL down: \(run.stderr(err))")
        #expect(!downCodes.isEmpty && !downCodes.contains(200), "healthz never ok while PostgreSQL is down: \(downCodes)")
        #expect(downBody.contains("unhealthy") && downBody.contains("postgresql at 127.0.0.1:\(postgres.port)"), "names PostgreSQL: \(downBody)")

        try postgres.start()
        try await run.bridge.run(["generate", "--contacts", "300", "--events", "3000", "--seed", "53"])
        let outcome = try await run.waitUntilExact(legacy: true, stream: true, serving: true, seconds: 120)
        #expect(outcome.exact, "\(outcome.report); \(run.stderr(err))")
        #expect(process.isRunning, "bridge run never exited: \(run.stderr(err))")
        let healthyAgain = try await run.waitUntil(seconds: 20) { await run.health().code == 200 }
        let after = await run.health()
        #expect(healthyAgain, "healthy again: \(after)")

        // It waited with back-off: retries were logged, a bounded number of times (a hot loop
        // would log thousands in eight seconds), and the PostgreSQL error never ended a component.
        let waits = String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self)
            .components(separatedBy: "waiting for the service to come back").count - 1
        #expect(waits >= 1 && waits <= 60, "retries logged with back-off: \(waits)")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "graceful shutdown on SIGTERM: \(run.stderr(err))")
    }

    @Test func brokerFrozenPastTheSessionTimeoutIsWaitedOutAndEndsExact() async throws {
        let broker = try PrivateBroker()
        defer { broker.remove() }
        try await broker.start()
        try await withTestDatabase(tag: "fault_\(UInt32.random(in: 0...UInt32.max))", migrated: false) { database in
            let run = try await FaultRun.make(postgresURL: database.url, kafkaBrokers: broker.address)
            try await run.bridge.run(["migrate"])
            try await run.bridge.run(["topics"])
            try await run.bridge.run(["generate", "--contacts", "300", "--events", "8000", "--seed", "61", "--invalid-share", "0.02"])

            let (process, _, err) = try run.bridge.start(["run", "--shadow-interval", "2"])
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let ready = try await run.waitUntil(seconds: 45) {
                let ok = await run.health().code == 200
                let legacy = await run.recordsApplied(path: "legacy", atLeast: 1)
                let stream = await run.recordsApplied(path: "stream", atLeast: 1)
                return ok && legacy && stream
            }
            let before = await run.health()
            #expect(ready, "healthy and processing before the fault: \(before); \(run.stderr(err))")

            // Frozen for twice the session timeout (6 s): every member's session expires.
            broker.freeze()
            let frozenAt = ContinuousClock.now
            var frozenCodes: [Int] = []
            var frozenBody = ""
            while ContinuousClock.now - frozenAt < .seconds(12) {
                let health = await run.health()
                frozenCodes.append(health.code)
                if health.code != 200 { frozenBody = health.body }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(process.isRunning, "bridge run is still running with the broker frozen: \(run.stderr(err))")
            broker.resume()
            #expect(!frozenCodes.isEmpty && !frozenCodes.contains(200), "healthz never ok while the broker is frozen: \(frozenCodes)")
            #expect(frozenBody.contains("unhealthy") && frozenBody.contains("kafka at \(broker.address)"), "names the broker: \(frozenBody)")

            try await run.bridge.run(["generate", "--contacts", "300", "--events", "3000", "--seed", "62"])
            let outcome = try await run.waitUntilExact(legacy: true, stream: true, serving: true, seconds: 120)
            #expect(outcome.exact, "\(outcome.report); \(run.stderr(err))")
            #expect(process.isRunning, "bridge run never exited: \(run.stderr(err))")
            let healthyAgain = try await run.waitUntil(seconds: 20) { await run.health().code == 200 }
            let after = await run.health()
            #expect(healthyAgain, "healthy again: \(after)")

            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "graceful shutdown on SIGTERM: \(run.stderr(err))")
        }
    }
}

/// One `bridge run` under test: a unique prefix, the given PostgreSQL, broker and Redis (the
/// shared ones otherwise), an HTTP port of its own.
struct FaultRun {
    let configuration: BridgeConfiguration
    let bridge: BridgeProcess
    let httpPort: Int

    static func make(postgresURL: String, kafkaBrokers: String? = nil, redisURL: String? = nil) async throws -> FaultRun {
        let prefix = "f\(UInt32.random(in: 0...UInt32.max))."
        var configuration = try BridgeConfiguration.fromEnvironment()
        configuration.topicPrefix = prefix
        configuration.postgresURL = postgresURL
        if let kafkaBrokers { configuration.kafkaBrokers = kafkaBrokers }
        if let redisURL { configuration.redisURL = redisURL }
        configuration.tuning.sessionTimeoutMillis = 6000
        let port = LoopbackPort.reserve()
        let bridge = BridgeProcess(environment: [
            "BRIDGE_TOPIC_PREFIX": prefix,
            "BRIDGE_POSTGRES_URL": postgresURL,
            "BRIDGE_KAFKA_BROKERS": configuration.kafkaBrokers,
            "BRIDGE_REDIS_URL": configuration.redisURL,
            "BRIDGE_SESSION_TIMEOUT_MS": "6000",
            "BRIDGE_BATCH_SIZE": "500",
            "BRIDGE_HTTP": "127.0.0.1:\(port)",
            // info: the router's and the paths' partition and convergence lines, for failures.
            "BRIDGE_LOG_LEVEL": "info",
        ])
        return FaultRun(configuration: configuration, bridge: bridge, httpPort: port)
    }

    /// The warnings and errors of `bridge run`, and its lines about partitions and the router
    /// (the rest, a line per comparison round, is noise here): the last 4000 characters.
    func stderr(_ file: URL) -> String {
        let lines = String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self).split(separator: "\n")
        let wanted = lines.filter { !$0.contains(" info ") || $0.contains("router") || $0.contains("partitions") }
        return String(wanted.joined(separator: "\n").suffix(4000))
    }

    /// GET /healthz: the status code (0 when the request itself failed) and the body.
    func health() async -> (code: Int, body: String) {
        (try? await get("/healthz")) ?? (0, "")
    }

    /// Whether /status shows the path running here with at least that many records applied.
    func recordsApplied(path: String, atLeast: Int) async -> Bool {
        guard let status = try? await get("/status"),
              let json = try? JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any],
              let paths = json["paths"] as? [[String: Any]] else { return false }
        return paths.contains { $0["path"] as? String == path && (($0["records"] as? Int) ?? 0) >= atLeast }
    }

    func get(_ path: String) async throws -> (code: Int, body: String) {
        try await LoopbackHTTP.get(port: httpPort, path: path)
    }

    /// Polls `condition` every half second until it holds or the bound passes (a guard against
    /// hanging, not a performance check).
    func waitUntil(seconds: Int, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(500))
        }
        return try await condition()
    }

    /// The contract's aggregates over what the input topics hold, in partition order.
    func referenceFold() async throws -> ReferenceFold {
        try await ReferenceFold.ofInputs(configuration)
    }

    func export(_ source: String, _ table: String) async throws -> [String] {
        try await bridge.run(["export", "--source", source, "--table", table]).split(separator: "\n").map(String.init)
    }

    /// The last value published per key on an output topic, contact rows in canonical JSON.
    func lastPublished(_ topic: String, contacts: Bool) async throws -> [String: String] {
        var last: [String: String] = [:]
        for (key, value) in try await TopicReader.lastValues(topic, configuration: configuration) {
            let json = String(decoding: value, as: UTF8.self)
            last[String(decoding: key, as: UTF8.self)] = contacts ? try ContactSummaryRow(json: value).json : json
        }
        return last
    }

    /// Waits (bounded) until each named store equals the reference fold of everything in the
    /// input topics, then until each of its output topics' last value per key does too (the
    /// legacy relay publishes just after its transaction). `report` names what differs.
    func waitUntilExact(legacy: Bool, stream: Bool, serving: Bool, seconds: Int) async throws -> (exact: Bool, report: String) {
        let fold = try await referenceFold()
        let contacts = fold.contactSummaryRows.map(\.json)
        let days = fold.campusDailyRows.map(\.json)
        let contactsByKey = Dictionary(uniqueKeysWithValues: fold.contactSummaryRows.map { ($0.contactId, $0.json) })
        let daysByKey = Dictionary(uniqueKeysWithValues: fold.campusDailyRows.map { ($0.key.kafkaKey, $0.json) })
        let sources = (legacy ? ["legacy"] : []) + (stream ? ["stream"] : [])
        var report = "not checked"
        let deadline = ContinuousClock.now + .seconds(seconds)
        var storesExact = false
        while ContinuousClock.now < deadline && !storesExact {
            storesExact = true
            for source in sources {
                let c = try await export(source, "contact_summary")
                let d = try await export(source, "campus_daily")
                if c != contacts { storesExact = false; report = "\(source) contact_summary: \(firstDifference(c, contacts))" }
                if d != days { storesExact = false; report = "\(source) campus_daily: \(firstDifference(d, days))" }
            }
            if !storesExact { try await Task.sleep(for: .seconds(1)) }
        }
        guard storesExact else { return (false, report) }
        #expect(contacts.count > 250, "the workload reached most contacts")

        let topics = configuration.topics
        var expected: [(String, Bool, [String: String])] = []
        if legacy { expected.append((topics.contactSummaryLegacy, true, contactsByKey)) }
        if stream { expected += [(topics.contactSummaryStream, true, contactsByKey), (topics.campusDailyStream, false, daysByKey)] }
        if serving { expected.append((topics.contactSummaryServing, true, contactsByKey)) }
        for (topic, isContacts, wanted) in expected {
            var published: [String: String] = [:]
            while ContinuousClock.now < deadline {
                published = try await lastPublished(topic, contacts: isContacts)
                if published == wanted { break }
                try await Task.sleep(for: .seconds(1))
            }
            if published != wanted {
                let wrong = wanted.keys.sorted().first { published[$0] != wanted[$0] } ?? "(extra keys)"
                let differing = wanted.keys.filter { published[$0] != wanted[$0] }.count
                return (false, "\(topic): last value per key differs for \(differing) of \(wanted.count) keys (\(published.count) published), e.g. \(wrong): got \(published[wrong] ?? "nothing"), expected \(wanted[wrong] ?? "nothing")")
            }
        }
        return (true, "exact")
    }
}
