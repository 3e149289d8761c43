import ArgumentParser
import Foundation
import PostgresClient
import RedisClient
import Rollout
import StreamAgg

/// `bridge stream reset --yes`: remove the stream store so the stream path rebuilds it from the log.
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Manage the stream path's store in Redis.",
        subcommands: [Reset.self])

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the stream store under the prefix; the stream path rebuilds it from the input topics.",
            discussion: """
                Deletes every Redis key of the stream path under BRIDGE_TOPIC_PREFIX (its rows, \
                seen ids, campus-day shares, digest sums and offsets; also a store written by the \
                previous engine). Running stream instances notice at their next commit and start \
                again from offset 0. Refused unless the rollout is in shadow, since during canary \
                or cutover the stream path serves traffic. Needs the input topics retained from \
                offset 0. See docs/operations.md.
                """)

        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Confirm that the stream store is to be removed.") var yes = false

        func run() async throws {
            let config = try connection.configuration()
            guard yes else {
                throw ValidationError("this removes the stream store under prefix \"\(config.topicPrefix)\"; add --yes to confirm")
            }
            let postgres = try await PostgresClient(url: config.postgresURL)
            defer { postgres.close() }
            let phase = try await RolloutStore(postgres: postgres).position().phase
            guard phase == .shadow else {
                FileHandle.standardError.write(Data("bridge stream reset: refused: the rollout is in \(phase.rawValue), so the stream path serves traffic; roll back to shadow first (bridge rollout rollback)\n".utf8))
                throw ExitCode(1)
            }
            let redis = try await RedisClient(configuration: try config.redis())
            defer { redis.close() }
            let removed = try await StreamReset.run(redis: redis, prefix: config.topicPrefix)
            print("removed \(removed) keys of the stream store under prefix \"\(config.topicPrefix)\"; `bridge run --stream` rebuilds it from offset 0 of the input topics")
        }
    }
}
