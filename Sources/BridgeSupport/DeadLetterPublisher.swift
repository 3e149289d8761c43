import BridgeModel
import KafkaClient
import Metrics

/// Publishes rejected records to `bridge.dead-letter` with the path that rejected them.
package struct DeadLetterPublisher: Sendable {
    package let producer: KafkaProducer
    package let topic: String
    package let path: String

    /// The broker caps a record's size; a dead letter carries at most this much of the original
    /// payload (base64 grows it by a third). The original stays in its topic at the offset the
    /// dead letter names, so nothing is lost.
    package static let maxPayloadBytes = 512 * 1024

    package init(producer: KafkaProducer, topic: String, path: String) {
        self.producer = producer
        self.topic = topic
        self.path = path
    }

    package func record(for rejected: KafkaRecord, reason: String) -> OutgoingRecord {
        var reason = reason
        if let value = rejected.value, value.count > Self.maxPayloadBytes {
            reason += " (payload_base64 holds the first \(Self.maxPayloadBytes) of \(value.count) bytes)"
        }
        let payload = rejected.value.map { Array($0.prefix(Self.maxPayloadBytes)) }
        let letter = DeadLetter(path: path, sourceTopic: rejected.topic, partition: rejected.partition,
                                offset: rejected.offset, reason: reason, payload: payload)
        return OutgoingRecord(topic: topic, key: rejected.key, value: Array(letter.json.utf8))
    }

    package func publish(_ rejected: [(KafkaRecord, Rejection)]) async throws {
        try await producer.send(rejected.map { record(for: $0.0, reason: $0.1.reason) })
    }

    /// Counts dead letters this path's producer had acknowledged, in `bridge_dead_letters_total`,
    /// for a caller that sends them itself (the legacy path's outbox relay).
    package func countPublished(_ count: Int) {
        Counter(label: "bridge_dead_letters_total", dimensions: [("path", path)]).increment(by: count)
    }
}
