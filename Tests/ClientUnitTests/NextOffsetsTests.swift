import KafkaClient
import Testing

/// `nextOffsets` is what the input loop commits and what the legacy store records as applied,
/// so it must be one past the highest offset of each partition whatever the records' order.
@Suite struct NextOffsetsTests {
    func record(_ partition: Int32, _ offset: Int64, topic: String = "t") -> KafkaRecord {
        KafkaRecord(topic: topic, partition: partition, offset: offset, key: nil, value: nil)
    }

    @Test func onePastTheHighestOffsetOfEachPartition() {
        let records = [record(0, 5), record(0, 3), record(1, 0), record(0, 9), record(1, 0, topic: "u")]
        #expect(records.nextOffsets == [TopicPartition("t", 0): 10, TopicPartition("t", 1): 1, TopicPartition("u", 1): 1])
        #expect([KafkaRecord]().nextOffsets.isEmpty)
    }
}
