import BridgeModel
import BridgeSupport

extension ReferenceFold {
    /// The contract's aggregates over what the input topics hold now, each partition in order:
    /// the oracle the integration tests compare both stores and the output topics against.
    package static func ofInputs(_ configuration: BridgeConfiguration) async throws -> ReferenceFold {
        var fold = ReferenceFold()
        for input in InputTopic.allCases {
            let read = try await TopicReader.readAll([configuration.topics.name(of: input)], configuration: configuration)
            for (_, records) in read.sorted(by: { $0.key < $1.key }) {
                for r in records { _ = fold.apply(topic: input, partition: r.partition, offset: r.offset, key: r.key, value: r.value) }
            }
        }
        return fold
    }
}
