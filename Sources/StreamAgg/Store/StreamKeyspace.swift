import BridgeModel

/// The stream path's Redis keys. Every key starts with the configured prefix (the topic prefix),
/// so a bridge's keys can be listed, reset or removed by prefix.
///
/// State is kept per input partition pair (partition p of `contacts` and of `message-events`:
/// the topics are co-partitioned by contact_id). All keys of one partition share the hash tag
/// `{<prefix>p<N>}`, so they lie in one Redis Cluster slot and one partition's commit is one
/// atomic, single-slot script call on one Redis or on a cluster alike. The tag repeats the
/// prefix so that several bridges sharing a cluster spread over its slots.
package struct StreamKeyspace: Sendable, Hashable {
    package let prefix: String

    package init(prefix: String) { self.prefix = prefix }

    package func partition(_ p: Int32) -> PartitionKeys { PartitionKeys(prefix: prefix, partition: p) }

    /// Hash: `LayoutField.version` (the store's format) and `LayoutField.partitions` (the input
    /// partition count the store was built for). Not in any partition's slot; written when a
    /// partition is first claimed, read by everything that walks the store.
    package var layout: String { "\(prefix)stream:layout" }

    /// A key only the previous engine (per-contact Lua scripts) wrote: its presence means the
    /// store under this prefix must be rebuilt (docs/operations.md).
    package var previousEngineOffsets: String { "\(prefix)offsets:stream" }
}

/// The keys of one input partition pair.
package struct PartitionKeys: Sendable, Hashable {
    package let partition: Int32
    let tag: String

    init(prefix: String, partition: Int32) {
        self.partition = partition
        tag = "\(prefix){\(prefix)p\(partition)}"
    }

    /// Hash: `epoch` (the owner fence), `contacts` and `message-events` (the next offset to read
    /// of each input partition: everything before it is applied).
    package var meta: String { tag + ":meta" }
    /// Hash: contact_id -> `StoredAggregate` bytes.
    package var rows: String { tag + ":rows" }
    /// Set: `SeenMember`s (counted event ids, campaigns sent, active campus-days).
    package var seen: String { tag + ":seen" }
    /// Hash: "campus_id|day" -> `CampusDayPartial` bytes, this partition's share of the row.
    package var days: String { tag + ":days" }
    /// String: `BucketSums`, the sum of the digests of this partition's contacts per bucket.
    package var sums: String { tag + ":sums" }
    /// Hash: batch id -> `OutboxEntry` bytes: keys committed but not yet confirmed published.
    package var outbox: String { tag + ":outbox" }
}

/// Field names of the layout hash, and the format this engine writes.
package enum LayoutField {
    package static let version = "layout"
    package static let partitions = "partitions"
    package static let currentVersion = "2"
}

/// Field names of a partition's meta hash; inputs by their base names, without the prefix.
enum MetaField {
    static let epoch = "epoch"
    static func next(_ input: InputTopic) -> String { input.rawValue }
}
