import BridgeSupport
import Foundation
import KafkaClient
import PostgresClient
import RedisClient
import ServiceSupport

/// The C clients alone, next to kcat reading the same topic in the same run: what the paths
/// can at best get from the broker, Redis and PostgreSQL on this machine.
/// `bridge bench clients` parses its options into one and runs it.
package struct ClientsBenchmark {
    /// Records to produce and consume, and the size of each record's value.
    package var records: Int, valueBytes: Int
    /// The kcat executable read next to the Swift consumer.
    package var kcat: String

    package init(records: Int, valueBytes: Int, kcat: String) {
        (self.records, self.valueBytes, self.kcat) = (records, valueBytes, kcat)
    }

    /// Measures on the services of `config` and prints the table.
    package func run(on config: BridgeConfiguration) async throws {
        var rows: [(String, Double, String)] = []
        let topic = "\(config.topicPrefix)bench-clients-\(UInt32.random(in: 0...UInt32.max))"
        let admin = try KafkaAdmin(configuration: config.kafka)
        try await admin.createTopics([topic], partitions: config.partitions)

        // Produce.
        let producer = try KafkaProducer(configuration: config.kafka)
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: valueBytes)
        var start = ContinuousClock.now
        var sent = 0
        while sent < records {
            let n = min(10_000, records - sent)
            try await producer.send((0..<n).map { i in OutgoingRecord(topic: topic, key: Array("key-\((sent + i) % 10_000)".utf8), value: value) })
            sent += n
        }
        rows.append(("kafka produce (swift, acked)", rate(records, since: start), "records/s"))
        await producer.close()

        // Consume with the Swift consumer: from the first record to the last (group join excluded).
        let consumer = try KafkaConsumer(configuration: config.kafka, options: .init(
            groupId: topic + ".g", topics: [topic],
            startOffsets: { Dictionary(uniqueKeysWithValues: $0.map { ($0, KafkaOffset.beginning) }) },
            properties: ["session.timeout.ms": "6000"]))
        var got = 0
        var first: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + .seconds(300)
        while got < records && ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maxRecords: 10_000, maxWait: .milliseconds(500))
            if !batch.isEmpty && first == nil { first = ContinuousClock.now }
            got += batch.count
        }
        let swiftRate = rate(got, since: first ?? ContinuousClock.now)
        await consumer.close()
        rows.append(("kafka consume (swift)", swiftRate, "records/s"))

        // kcat reading the same topic, whole process (start-up included, no group join).
        start = ContinuousClock.now
        let kcatProcess = Process()
        kcatProcess.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        kcatProcess.arguments = [kcat, "-b", config.kafkaBrokers, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%o\\n"]
        kcatProcess.standardOutput = FileHandle.nullDevice
        try kcatProcess.run()
        kcatProcess.waitUntilExit()
        let kcatRate = rate(records, since: start)
        rows.append(("kafka consume (kcat)", kcatRate, kcatProcess.terminationStatus == 0 ? "records/s" : "records/s (kcat failed)"))
        rows.append(("swift consume / kcat", swiftRate / kcatRate, "ratio"))

        // Redis: pipelines of 10,000 SETs on one connection.
        let redis = try await RedisClient(configuration: try config.redis())
        let prefix = Array("\(config.topicPrefix)bench:".utf8)
        let commands: [[[UInt8]]] = (0..<10_000).map { i in [Array("SET".utf8), prefix + Array(String(i).utf8), value] }
        start = ContinuousClock.now
        for _ in 0..<20 { _ = try await redis.pipeline(commands) }
        let swiftRedis = rate(200_000, since: start)
        rows.append(("redis pipelined SET (swift)", swiftRedis, "ops/s"))
        _ = try await redis.pipeline((0..<10_000).map { i in [Array("DEL".utf8), prefix + Array(String(i).utf8)] })
        redis.close()
        // Redis' own C benchmark with the same shape (one connection, 10,000 per pipeline): the
        // server's ceiling on this machine, so the client's figure reads as a ratio.
        if let native = try redisBenchmark(try config.redis(), valueBytes: valueBytes) {
            rows.append(("redis pipelined SET (redis-benchmark)", native, "ops/s"))
            rows.append(("swift redis / redis-benchmark", swiftRedis / native, "ratio"))
        }

        // PostgreSQL: COPY and pipelined INSERTs into a temporary table.
        let postgres = try await PostgresClient(url: config.postgresURL)
        let copyRows = records
        let text = String(repeating: "x", count: valueBytes)
        let copyRate: Double = try await postgres.withConnection { conn in
            try conn.query("CREATE TEMP TABLE bench_rows (id bigint, payload text)")
            let rows = (0..<copyRows).map { [String($0), text] as [String?] }
            let start = ContinuousClock.now
            try conn.copyIn(table: "bench_rows", columns: ["id", "payload"], rows: rows)
            return rate(copyRows, since: start)
        }
        rows.append(("postgresql COPY", copyRate, "rows/s"))
        let pipelineRate: Double = try await postgres.withConnection { conn in
            let statements = (0..<20_000).map { id -> PostgresQuery in "INSERT INTO bench_rows VALUES (\(id), \(text))" }
            let start = ContinuousClock.now
            try conn.transaction { conn in _ = try conn.pipeline(statements) }
            return rate(20_000, since: start)
        }
        rows.append(("postgresql pipelined INSERT", pipelineRate, "rows/s"))
        postgres.close()

        print("| measurement | value | unit |")
        print("| --- | ---: | --- |")
        for (name, value, unit) in rows {
            print("| \(name) | \(unit == "ratio" ? String(format: "%.2f", value) : String(format: "%.0f", value)) | \(unit) |")
        }
        print("\n\(records) records of \(valueBytes) bytes, \(config.partitions) partitions, librdkafka \(librdkafkaVersion)")
    }
}

/// Runs `redis-benchmark` and returns its SET requests per second (nil if it is not installed).
func redisBenchmark(_ redis: RedisConfiguration, valueBytes: Int) throws -> Double? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let server = redis.seeds[0]
    var arguments = ["redis-benchmark", "-h", server.host, "-p", String(server.port), "-t", "set", "-n", "200000",
                     "-P", "10000", "-c", "1", "-d", String(valueBytes), "-q"]
    if let password = redis.password { arguments += ["-a", password, "--no-auth-warning"] }
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    // The last line is "SET: 487804.88 requests per second, p50=…".
    guard process.terminationStatus == 0,
          let line = text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).last(where: { $0.contains("requests per second") }),
          let number = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
    return number
}

func rate(_ count: Int, since start: ContinuousClock.Instant) -> Double {
    let seconds = (ContinuousClock.now - start).inSeconds
    return seconds > 0 ? Double(count) / seconds : 0
}
