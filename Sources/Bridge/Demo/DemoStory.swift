import BridgeModel
import BridgeSupport
import Comparator
import Foundation
import KafkaClient
import LegacySQL
import Logging
import PostgresClient
import RedisClient
import Rollout
import SchemaMigrations
import Workload

/// The whole story of a migration, told on the configured services in a few minutes: both paths
/// on one workload, clean comparisons, a discrepancy injected, found and judged against the
/// input (the legacy path is the wrong one), and a rollout plan taking its first canary step by
/// itself — each step printed as it happens.
struct DemoStory {
    let configuration: BridgeConfiguration
    let contacts: Int
    let events: Int
    let seed: UInt64
    let reportDirectory: URL
    let logger: Logger

    func tell() async throws {
        let config = configuration
        step("1. Schema and topics")
        let postgres = try await PostgresClient(url: config.postgresURL, name: "demo-postgres")
        defer { postgres.close() }
        let applied = try await Migrator(directory: Migrator.defaultDirectory()).apply(using: postgres)
        say(applied.isEmpty ? "migrations up to date" : "applied migrations \(applied.joined(separator: ", "))")
        let topics = try await TopicProvisioner(admin: try KafkaAdmin(configuration: config.kafka), configuration: config).create()
        let created = topics.filter(\.created)
        say(created.isEmpty ? "topics exist" : "created \(created.count) topics with \(config.partitions) partitions")

        step("2. A workload: \(contacts) contacts, \(events) message events (seed \(seed)) — duplicates, ties, time zones, ~1% malformed")
        let producer = try KafkaProducer(configuration: config.kafka)
        let produced = try await WorkloadProducer(producer: producer, topics: config.topics)
            .produce(WorkloadGenerator(contacts: contacts, events: events, seed: seed)) { sent, total, rate in
                say(String(format: "produced %d/%d records (%.0f records/s)", sent, total, rate))
            }
        await producer.close()

        step("3. Both paths and the serving router, side by side, until the input is consumed")
        try await runWithProgress(Components(legacy: true, stream: true, router: true, exitWhenIdle: true), expected: produced)

        step("4. Shadow comparison at a consistent cut")
        let redis = try await RedisClient(configuration: try config.redis(), name: "demo-redis")
        defer { redis.close() }
        let comparator = ShadowComparator(postgres: postgres, redis: redis, kafka: config.kafka, topics: config.topics,
                                          settings: try ComparatorSettings.fromEnvironment())
        var round = try await comparator.round()
        describe(round)

        step("5. A discrepancy injected behind the bridge's back")
        let victim = try await pickContact(postgres)
        try await postgres.query("UPDATE legacy.contact_summary SET messages_sent = messages_sent + 7 WHERE contact_id = \(victim)")
        say("UPDATE legacy.contact_summary SET messages_sent = messages_sent + 7 WHERE contact_id = '\(victim)'")
        round = try await comparator.round()
        describe(round)
        for d in round.outcome.samples {
            for f in d.fields {
                say("found: \(d.table.rawValue) key \(d.key) field \(f.field): legacy \(f.legacy), stream \(f.stream)")
            }
            say("\(d.verdict.rawValue): \(d.explanation ?? "not judged")")
        }
        say("repair the legacy way: SELECT legacy.recompute_contact_summary('\(victim)') recomputes the row from its raw rows")
        try await postgres.query("SELECT legacy.recompute_contact_summary(\(victim))")

        step("6. A rollout plan: canary 10%, then 50%, then cutover, each step after clean rounds")
        let gate = try RolloutGate.fromEnvironment()
        let rollout = RolloutStore(postgres: postgres)
        if try await rollout.state().position.phase != .shadow {
            // A demo run before this one left the rollout further on: start the story over.
            let back = try await rollout.rollback(operator: "bridge demo", reason: "demo: start the rollout over")
            say("rollback \(back.from) -> shadow (history #\(back.historyId))")
        }
        let plan = RolloutPlan(steps: [10, 50, 100], rounds: gate.rounds, minSeconds: 0)
        let planId = try await PlanStore(postgres: postgres).set(plan, operator: "bridge demo", reason: "demo")
        say("bridge rollout plan --steps 10,50,100 --rounds \(plan.rounds) --min-seconds 0 (history #\(planId))")

        step("7. The plan takes its first step by itself, as bridge run --shadow does after each round")
        let pilot = PlanPilot(gate: gate, logger: logger)
        var moved = false
        for _ in 0..<(plan.rounds + 3) where !moved {
            round = try await comparator.round()
            describe(round)
            if case let .moved(from, to, historyId, reason)? = await pilot.afterRound(round.id, postgres: postgres) {
                say("the plan moved \(from) -> \(to) by itself (history #\(historyId)): \(reason)")
                moved = true
            }
        }
        guard moved else { throw DemoFailed(reason: "the plan did not take its first step: \(try await PlanStore(postgres: postgres).status(gate: gate)?.nextAction ?? "no plan")") }
        say("gate: \(try await rollout.verdict(gate: gate).summary)")
        let canaryKeys = try await LegacyExport(postgres: postgres).contactSummaries().filter { CanaryHash.bucket(of: $0.contactId) < 10 }.count
        say("\(canaryKeys) contacts hash into the canary; the router re-publishes them from the stream path")
        try await Components(router: true, exitWhenIdle: true).serviceGroup(configuration: config, logger: logger).run()
        say("the serving topic has converged: the canary keys now carry the stream path's rows")
        say("`bridge run` goes on with the plan: 50%, then cutover, after clean rounds; a mismatch the stream path may be wrong about rolls it back")

        step("8. Reports")
        let html = try await ReportFormat.html.render(round, postgres: postgres)
        let files = try ReportFormat.html.write(html, round: round, into: reportDirectory)
        say("HTML report: \(files.last?.path ?? "")")
        say("status page: http://\(config.httpAddress)/ while `bridge run` is running (also /status, /metrics, /healthz)")
        say("next: `bridge rollout status`, `bridge explain <contact_id>`, `bridge rollout pause`, `bridge rollout rollback` at any moment")
    }

    /// Runs components to idle, showing each path's rate, what it has left and the time that
    /// leaves: one line rewritten in place on a terminal, a line every few seconds elsewhere.
    /// `expected`: the input records this run has to consume.
    private func runWithProgress(_ components: Components, expected: Int) async throws {
        let group = try await components.serviceGroup(configuration: configuration, logger: logger)
        let connections = ServiceConnections(configuration: configuration)
        let line = ProgressLine.standardOutput(every: .seconds(3))
        let started = Date()
        let reporter = Task {
            var progress = PathProgress(positions: PathPositions(connections: connections), expected: expected)
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                let text = await progress.line()
                if !text.isEmpty && !Task.isCancelled { line.update("   " + text) }
            }
        }
        defer { reporter.cancel() }
        try await group.run()
        reporter.cancel()
        _ = await reporter.result
        line.finish()
        await connections.close()
        // Each path's own time, from its start to its stop (joining its group included).
        let summary = PathActivity.shared.snapshots.filter { ProbeRules.paths.contains($0.path) }.map { path in
            let seconds = max((path.stoppedAt ?? Date()).timeIntervalSince(path.startedAt), 0.001)
            return "\(path.path) \(PathProgress.grouped(path.records)) records in \(PathProgress.duration(seconds))"
                + " (\(PathProgress.grouped(Int(Double(path.records) / seconds))) records/s)"
        }
        say("done in \(PathProgress.duration(Date().timeIntervalSince(started))): \(summary.joined(separator: ", ")), joining the groups included")
    }

    private func pickContact(_ postgres: PostgresClient) async throws -> String {
        let rows = try await postgres.query("SELECT contact_id FROM legacy.contact_summary WHERE messages_sent > 0 ORDER BY contact_id COLLATE \"C\" LIMIT 1")
        guard rows.count == 1 else { throw DemoFailed(reason: "no contact with sent messages to tamper with") }
        return try rows[0].string(0)
    }

    private func describe(_ round: ComparisonRound) {
        let o = round.outcome
        let compared = ComparedTable.allCases.map { "\(o.compared[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        say("round \(round.id): \(round.clean ? "clean" : "\(o.totalDiscrepancies) discrepancies") — compared \(compared), consistent \(round.consistent), \(round.durationMillis) ms")
    }

    private func step(_ title: String) { print("\n== \(title)") }

    struct DemoFailed: Error, CustomStringConvertible {
        var reason: String
        var description: String { "demo: \(reason)" }
    }
}

private func say(_ line: String) { print("   \(line)") }
