import KafkaClient
import RedisClient

/// The stream path's record of how far it has applied each input partition, in Redis: the
/// source of truth for where consumption resumes.
struct StreamOffsetStore: Sendable {
    let redis: RedisClient
    let keys: StreamKeys

    /// Where each partition resumes. A partition without an entry starts at the beginning, not
    /// at Kafka's commit: Redis may have lost its tail, and replaying is harmless because the
    /// per-contact metadata skips what was applied.
    func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        if partitions.isEmpty { return [:] }
        let key = keys.offsets
        let fields = partitions.map { StreamKeys.partitionField(topic: $0.topic, partition: $0.partition) }
        let reply = try redis.withConnectionBlocking { try $0.command(["HMGET", key] + fields) }
        guard let values = try reply.check().array, values.count == partitions.count else {
            throw StreamError.unexpectedReply("HMGET \(key)", reply)
        }
        var out: [TopicPartition: Int64] = [:]
        for (tp, value) in zip(partitions, values) { out[tp] = value.int ?? KafkaOffset.beginning }
        return out
    }

    /// Records `next` (the offset after the last record of each partition that is fully
    /// applied and published) into `hash`, never lowering an entry.
    func advance(_ next: [TopicPartition: Int64], in hash: String) async throws {
        if next.isEmpty { return }
        var args: [[UInt8]] = []
        for (tp, offset) in next.sorted(by: { $0.key < $1.key }) {
            args.append(Array(StreamKeys.partitionField(topic: tp.topic, partition: tp.partition).utf8))
            args.append(Array(String(offset).utf8))
        }
        let call = (keys: [Array(hash.utf8)], args: args)
        let reply = try await redis.withConnection { try $0.evaluatePipelined(AdvanceOffsetsScript.script, calls: [call])[0] }
        try reply.check()
    }

    /// The stored entries of `hash` for the given partitions (nil when absent).
    func read(_ partitions: [TopicPartition], in hash: String) async throws -> [TopicPartition: Int64] {
        if partitions.isEmpty { return [:] }
        let fields = partitions.map { StreamKeys.partitionField(topic: $0.topic, partition: $0.partition) }
        let reply = try await redis.withConnection { try $0.command(["HMGET", hash] + fields) }
        guard let values = try reply.check().array, values.count == partitions.count else {
            throw StreamError.unexpectedReply("HMGET \(hash)", reply)
        }
        var out: [TopicPartition: Int64] = [:]
        for (tp, value) in zip(partitions, values) { if let n = value.int { out[tp] = n } }
        return out
    }
}
