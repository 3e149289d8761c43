import RedisClient

/// Removes the stream store under a prefix, so the stream path rebuilds it from the input
/// topics (the job of the Kafka Streams reset tool). Also removes what the previous engine wrote
/// under the prefix, which is how such a store is upgraded (docs/operations.md).
///
/// Instances running meanwhile find their partitions' epochs gone at their next commit, leave
/// the group, join again and start from offset 0.
package enum StreamReset {
    /// The key patterns of the stream store: this engine's partitions and layout record, then
    /// the previous engine's per-contact and per-day keys and offset hashes.
    static func patterns(prefix: String) -> [String] {
        [prefix + "{" + prefix + "p*", StreamKeyspace(prefix: prefix).layout,
         prefix + "c:{*", prefix + "d:*", prefix + "contacts", prefix + "days",
         prefix + "offsets:stream", prefix + "deadletters:stream", prefix + "folding:stream"]
    }

    /// Returns how many keys were removed.
    package static func run(redis: RedisClient, prefix: String) async throws -> Int {
        var removed = 0
        for pattern in patterns(prefix: prefix) { removed += try await redis.deleteKeys(matching: pattern) }
        return removed
    }
}
