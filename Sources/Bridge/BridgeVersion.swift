import KafkaClient
import PostgresClient
import RedisClient

/// What `bridge --version` prints and `bridge_build_info` carries.
enum BridgeVersion {
    /// Raised with each release; a build from a checkout between releases carries the last one.
    static let number = "0.1.0"

    /// The version and the C libraries the process runs with, which decide what it can talk to
    /// (librdkafka older than 2.16 cannot talk to the embedded broker, docs/architecture.md).
    static var description: String {
        "bridge \(number) (librdkafka \(librdkafkaVersion), hiredis \(hiredisVersion), libpq \(libpqVersion))"
    }
}
