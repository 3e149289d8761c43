import ArgumentParser
import BridgeModel
import BridgeSupport
import Foundation
import LegacySQL
import PostgresClient
import RedisClient
import StreamAgg

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print a store's rows as JSON Lines, one row per line, in the contract's JSON form.")

    enum Source: String, ExpressibleByArgument, CaseIterable { case legacy, stream }
    enum Table: String, ExpressibleByArgument, CaseIterable { case contactSummary = "contact_summary", campusDaily = "campus_daily" }

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "legacy (PostgreSQL) or stream (Redis).") var source: Source
    @Option(help: "contact_summary or campus_daily.") var table: Table

    func run() async throws {
        let config = try connection.configuration()
        let lines: [String]
        switch source {
        case .legacy:
            let postgres = try await PostgresClient(url: config.postgresURL)
            defer { postgres.close() }
            let export = LegacyExport(postgres: postgres)
            lines = table == .contactSummary ? try await export.contactSummaries().map(\.json) : try await export.campusDaily().map(\.json)
        case .stream:
            let redis = try await RedisClient(configuration: try config.redis())
            defer { redis.close() }
            let store = StreamStore(redis: redis, prefix: config.topicPrefix)
            lines = table == .contactSummary ? try await store.contactSummaries().map(\.json) : try await store.campusDaily().map(\.json)
        }
        var out = ""
        out.reserveCapacity(lines.count * 200)
        for line in lines {
            out += line
            out += "\n"
            if out.utf8.count > 1 << 20 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
