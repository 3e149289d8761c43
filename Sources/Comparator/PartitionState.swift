import KafkaClient

/// One input partition as both paths have applied it at the moment of the round.
package struct PartitionState: Sendable, Hashable {
    package var partition: TopicPartition
    /// Next offset to consume, per path (0 when the path has no record of the partition).
    package var legacy: Int64
    package var stream: Int64
    /// The stream path's offset did not move while its state was read, so the rows read
    /// reflect exactly `stream` (the legacy side is read in one snapshot and always is).
    package var streamSettled: Bool
    /// The lagging path has not caught up, for the grace period, to what the leading one had.
    package var stale: Bool

    package init(partition: TopicPartition, legacy: Int64, stream: Int64, streamSettled: Bool, stale: Bool = false) {
        self.partition = partition
        self.legacy = legacy
        self.stream = stream
        self.streamSettled = streamSettled
        self.stale = stale
    }

    /// Both paths reflect the same prefix of this partition.
    package var atCut: Bool { legacy == stream && streamSettled }
    /// Offsets the legacy path is behind the stream path (0 when not behind).
    package var legacyBehind: Int64 { max(0, stream - legacy) }
    package var streamBehind: Int64 { max(0, legacy - stream) }
}
