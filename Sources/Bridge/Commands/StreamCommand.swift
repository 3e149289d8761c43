import ArgumentParser
import Foundation
import PostgresClient
import RedisClient
import Rollout

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
                or cutover the stream path serves traffic; holds the rollout locked meanwhile, pauses \
                an active rollout plan and records the reset in the rollout history. Needs the input \
                topics retained from offset 0. See docs/rollout.md ("The stream path had a bug").
                """)

        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("operator"), help: "Who resets (default: the OS user), for the rollout history.") var operatorName: String?
        @Option(help: "Why, for the rollout history.") var reason: String?
        @Flag(help: "Confirm that the stream store is to be removed.") var yes = false

        func run() async throws {
            let config = try connection.configuration()
            guard yes else {
                throw ValidationError("this removes the stream store under prefix \"\(config.topicPrefix)\"; add --yes to confirm")
            }
            let postgres = try await PostgresClient(url: config.postgresURL)
            defer { postgres.close() }
            let redis = try await RedisClient(configuration: try config.redis())
            defer { redis.close() }
            let reset = GuardedStreamReset(postgres: postgres, redis: redis, prefix: config.topicPrefix)
            let outcome: GuardedStreamReset.Outcome
            do {
                outcome = try await reset.run(operator: OperatorIdentity.resolve(flag: operatorName), reason: reason)
            } catch let refused as RolloutStore.Refused {
                FileHandle.standardError.write(Data("bridge stream reset: refused: \(refused.reason)\n".utf8))
                throw ExitCode(1)
            }
            print("removed \(outcome.removedKeys) keys of the stream store under prefix \"\(config.topicPrefix)\" (history #\(outcome.historyId)); "
                  + "`bridge run --stream` rebuilds it from offset 0 of the input topics, and comparison rounds report it behind until it has caught up")
            if outcome.pausedPlan {
                print("the rollout plan is paused; `bridge rollout resume` once the rounds are clean again")
            }
        }
    }
}
