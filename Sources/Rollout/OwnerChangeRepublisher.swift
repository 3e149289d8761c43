import BridgeModel
import KafkaClient
import LegacySQL
import Logging
import StreamAgg

/// Re-publishes, from its new owner's store, every key whose serving row may have come from the
/// other path: after a phase change the topics only carry rows as the paths change them, so a
/// key that changed owner but is otherwise quiet would keep the old owner's row forever.
///
/// A key needs it when its owner under the target position differs from its owner under any of
/// the positions the serving topic may still reflect. Both stores are walked in chunks (keyset
/// pages of PostgreSQL, HSCAN steps of Redis), so memory stays bounded whatever their size, and
/// between chunks the caller may interrupt the walk when the rollout moved again.
struct OwnerChangeRepublisher: Sendable {
    let legacy: LegacySummaryPages
    let stream: StreamStore
    let producer: KafkaProducer
    let servingTopic: String
    let chunk: Int
    let logger: Logger

    enum Outcome: Sendable {
        case completed(legacy: Int, stream: Int)
        /// `check` reported a new position; some keys may already carry the target's owner.
        case interrupted(RolloutPosition)
    }

    /// `check` is called between chunks; returning a position other than `target` stops the walk.
    func republish(served: Set<RolloutPosition>, target: RolloutPosition,
                   check: @Sendable () async throws -> RolloutPosition) async throws -> Outcome {
        // The canary thresholds are nested, so a key can move to the legacy path only if some
        // served position gave the stream more keys than the target does, and vice versa.
        let toLegacy = served.contains { $0.streamShare > target.streamShare }
        let toStream = served.contains { $0.streamShare < target.streamShare }
        func moved(_ id: String, to path: ServingPath) -> Bool {
            target.owner(of: id) == path && served.contains { $0.owner(of: id) != path }
        }
        var fromLegacy = 0
        var fromStream = 0
        if toLegacy {
            var after: String?
            while true {
                let page = try await legacy.page(after: after, limit: chunk)
                try await send(page.filter { moved($0.contactId, to: .legacy) }, from: .legacy, count: &fromLegacy)
                guard page.count == chunk, let last = page.last else { break }
                after = last.contactId
                let now = try await check()
                if now != target { return .interrupted(now) }
            }
        }
        if toStream {
            var cursor: StreamStore.PageCursor? = .start
            while let at = cursor {
                let step = try await stream.page(at)
                try await send(step.rows.filter { moved($0.contactId, to: .stream) }, from: .stream, count: &fromStream)
                cursor = step.next
                if cursor != nil {
                    let now = try await check()
                    if now != target { return .interrupted(now) }
                }
            }
        }
        return .completed(legacy: fromLegacy, stream: fromStream)
    }

    private func send(_ rows: [ContactSummaryRow], from path: ServingPath, count: inout Int) async throws {
        if rows.isEmpty { return }
        let topic = servingTopic
        let header = path.header
        try await producer.send(rows.map {
            OutgoingRecord(topic: topic, key: Array($0.contactId.utf8), value: Array($0.json.utf8), headers: [header])
        })
        count += rows.count
    }
}
