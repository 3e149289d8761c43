import BridgeModel
import Comparator
import Foundation
import Rollout

/// Everything `/status` reports, and what the status page, `/healthz` and `/readyz` are made from.
struct StatusSnapshot: Codable, Sendable {
    struct Service: Codable, Sendable {
        var service: String
        var address: String
        var ok: Bool
        var detail: String
        var latencyMs: Double?
    }

    struct PartitionProgress: Codable, Sendable {
        var partition: String
        var applied: Int64?
        var end: Int64
        var lag: Int64
    }

    struct Path: Codable, Sendable {
        var path: String
        /// Whether this process runs the path (the others are read from their stores only).
        var runningHere: Bool
        var records: Int?
        var lastBatchAt: Date?
        var lastError: String?
        var lagTotal: Int64
        var partitions: [PartitionProgress]
    }

    struct Round: Codable, Sendable {
        var id: Int64
        var finishedAt: String?
        var consistent: Bool
        var discrepancies: Int64
        var mismatchRate: Double
        var legacyLag: Int64
        var streamLag: Int64

        var summary: RoundSummary {
            RoundSummary(id: id, finishedAt: finishedAt.flatMap(Timestamp.parseRFC3339), consistent: consistent, discrepancies: discrepancies,
                         mismatchRate: mismatchRate, legacyLag: legacyLag, streamLag: streamLag)
        }
    }

    var generatedAt: Date
    /// `/healthz`: the bridge as a whole works (ProbeRules.health).
    var healthy: Bool
    var problems: [String]
    /// `/readyz`: every component of this process is connected and making progress.
    var ready: Bool
    var readinessProblems: [String]
    /// Each component this process runs, and whether it is ready.
    var componentsReady: [String: Bool]
    var configuration: [String: String]
    var services: [Service]
    var paths: [Path]
    var rollout: RolloutStatus?
    /// Most recent first.
    var rounds: [Round]
    /// The rollout's recent moves, oldest first (for the timeline).
    var rolloutMoves: [RolloutMove]
    /// What the newest round listed, with verdicts.
    var newestDiscrepancies: [RoundStore.DiscrepancyExample]

    var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
