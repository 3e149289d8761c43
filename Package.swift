// swift-tools-version: 6.0
import PackageDescription

// librdkafka: we compile against Debian's headers (librdkafka-dev) but run against a newer
// librdkafka.so.1 that scripts/bootstrap places in .bridge/lib (see docs/architecture.md:
// Debian's 2.0.2 cannot talk to the embedded broker). The rpath makes every binary of this
// package find that runtime first, without LD_LIBRARY_PATH. Against a real Kafka cluster the
// system library is found as usual when .bridge/lib is absent.
let rdkafkaRuntime = "\(Context.packageDirectory)/.bridge/lib"
let rdkafkaRpath: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", rdkafkaRuntime])]

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "sql-stream-bridge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bridge", targets: ["Bridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.0.0"),
    ],
    targets: [
        // C libraries, found with pkg-config.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka",
                       providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis",
                       providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),

        // Shared by the three clients: the dedicated threads that keep blocking C calls off
        // Swift's cooperative pool, service errors, URL parsing and redaction.
        .target(name: "ServiceSupport", swiftSettings: strict),

        // Thin Swift layers over the C clients.
        .target(name: "KafkaClient",
                dependencies: ["CRdKafka", "ServiceSupport"],
                swiftSettings: strict, linkerSettings: rdkafkaRpath),
        .target(name: "RedisClient", dependencies: ["CHiredis", "ServiceSupport"], swiftSettings: strict),
        .target(name: "PostgresClient", dependencies: ["CLibPQ", "ServiceSupport"], swiftSettings: strict),

        // The event model with its one decoder, the aggregate rows and their JSON form, and the
        // reference fold of the contract's definitions. Pure Swift: no I/O.
        .target(name: "BridgeModel", swiftSettings: strict),

        // What both paths share at run time: configuration, topic names, dead letters, metrics.
        .target(name: "BridgeSupport",
                dependencies: ["BridgeModel", "ServiceSupport", "KafkaClient", "RedisClient", "PostgresClient",
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                swiftSettings: strict),

        // Schema migrations: applies migrations/*.sql in order, once each (bridge migrate, the
        // demo, the tests' databases). Not needed by a running path.
        .target(name: "SchemaMigrations", dependencies: ["PostgresClient"], swiftSettings: strict),
        // Generated workloads of the contract's shape and their producer (bridge generate, the
        // demo, the benchmarks, the tests). Not needed by a running path.
        .target(name: "Workload", dependencies: ["BridgeModel", "BridgeSupport", "KafkaClient"], swiftSettings: strict),

        // The legacy path: stored procedures in PostgreSQL driven by a Kafka worker.
        .target(name: "LegacySQL", dependencies: ["BridgeSupport"], swiftSettings: strict),
        // The stream path: batches folded in process into per-partition state in Redis, one
        // fenced atomic commit per partition and batch, stages overlapped.
        .target(name: "StreamAgg", dependencies: ["BridgeSupport",
                                                  .product(name: "AsyncAlgorithms", package: "swift-async-algorithms")],
                swiftSettings: strict),

        // The shadow comparator: both stores compared key by key at a consistent cut; rounds
        // stored in PostgreSQL; reports as JSON, Markdown and self-contained HTML.
        .target(name: "Comparator",
                dependencies: ["LegacySQL", "StreamAgg", "BridgeSupport",
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                swiftSettings: strict),
        // The phased rollout (shadow -> canary -> cutover) with its gate and audit history, and
        // the serving router that forwards each key's row from its authoritative path.
        .target(name: "Rollout", dependencies: ["LegacySQL", "StreamAgg", "BridgeSupport"], swiftSettings: strict),

        // The benchmarks `bridge bench` runs: the clients alone, the comparison round, the paths
        // against each other and the broker's ceiling, one Redis against a cluster. The
        // executable keeps only their command line.
        .target(name: "BridgeBench",
                dependencies: ["BridgeModel", "BridgeSupport", "ServiceSupport", "KafkaClient", "RedisClient", "PostgresClient",
                               "LegacySQL", "StreamAgg", "Comparator", "Workload", "SchemaMigrations",
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),

        // The `bridge` executable: the command line, the HTTP server and the demo.
        .executableTarget(name: "Bridge",
                          dependencies: ["LegacySQL", "StreamAgg", "BridgeSupport", "ServiceSupport", "Comparator", "Rollout", "BridgeBench",
                                         "Workload", "SchemaMigrations",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                         .product(name: "Prometheus", package: "swift-prometheus"),
                                         .product(name: "Hummingbird", package: "hummingbird")],
                          swiftSettings: strict),

        // The package's own files, for tests of both kinds that check the code against a
        // catalogue. Reads files only.
        .target(name: "PackageFiles", path: "Tests/PackageFiles", swiftSettings: strict),

        // Unit tests: in process, no service, no child process. `make unit` runs every target
        // whose name ends in UnitTests, with the services stopped; none of them may depend on
        // BridgeTestSupport, which reaches the services.
        .testTarget(name: "BridgeModelUnitTests", dependencies: ["BridgeModel"], swiftSettings: strict),
        .testTarget(name: "ClientUnitTests", dependencies: ["ServiceSupport", "KafkaClient", "RedisClient", "PostgresClient"],
                    swiftSettings: strict),
        .testTarget(name: "StreamAggUnitTests", dependencies: ["StreamAgg", "BridgeModel"], swiftSettings: strict),
        .testTarget(name: "ComparatorUnitTests", dependencies: ["Comparator", "BridgeModel", "KafkaClient"], swiftSettings: strict),
        .testTarget(name: "RolloutUnitTests", dependencies: ["Rollout"], swiftSettings: strict),
        .testTarget(name: "BridgeUnitTests", dependencies: ["BridgeSupport", "PackageFiles"], swiftSettings: strict),

        // Integration tests: against the running services (scripts/services), and in
        // BridgeTests through the built `bridge` executable.
        // What they share: isolated slices of the services, a database per test, reading topics.
        .target(name: "BridgeTestSupport", dependencies: ["BridgeSupport", "KafkaClient", "PostgresClient", "RedisClient", "LegacySQL", "StreamAgg",
                                                      "Workload", "SchemaMigrations",
                                                      .product(name: "Logging", package: "swift-log")], path: "Tests/BridgeTestSupport",
                swiftSettings: strict),
        .testTarget(name: "ClientTests",
                    dependencies: ["KafkaClient", "RedisClient", "PostgresClient", "BridgeSupport", "BridgeTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "LegacySQLTests", dependencies: ["LegacySQL", "BridgeSupport", "BridgeTestSupport"], swiftSettings: strict),
        .testTarget(name: "StreamAggTests", dependencies: ["StreamAgg", "BridgeSupport", "BridgeTestSupport"], swiftSettings: strict),
        .testTarget(name: "ComparatorTests", dependencies: ["Comparator", "BridgeTestSupport", "Workload"], swiftSettings: strict),
        .testTarget(name: "RolloutTests", dependencies: ["Rollout", "BridgeTestSupport", "Workload"], swiftSettings: strict),
        .testTarget(name: "BridgeTests", dependencies: ["BridgeSupport", "BridgeTestSupport", "PackageFiles", "RedisClient", "Rollout", "StreamAgg"],
                    swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
