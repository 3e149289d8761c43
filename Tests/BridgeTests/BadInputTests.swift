import BridgeModel
import BridgeSupport
import BridgeTestSupport
import Foundation
import KafkaClient
import Testing

/// Bad input through both paths, via the real binary: a value over 1 MiB, invalid UTF-8, a null
/// key and a tombstone are dead-lettered once per path with their reason, and the valid records
/// around them are applied — the pipeline goes on.
@Suite(.sharedMachine) struct BadInputTests {
    @Test func badRecordsAreDeadLetteredOncePerPathAndThePipelineGoesOn() async throws {
        try await withTestEnvironment { env in
            let topics = env.configuration.topics
            let key = Array("c-bad".utf8)
            func event(_ id: String) -> [UInt8] {
                Array(#"{"event_id":"\#(id)","contact_id":"c-bad","campus_id":"north","campaign_id":"x","kind":"sent","at":"2026-11-01T10:00:00Z"}"#.utf8)
            }
            var huge = event("m-huge")
            huge.removeLast()
            huge += Array(#","padding":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 1_100_000) + Array(#""}"#.utf8)
            let bad: [(OutgoingRecord, RejectionCode)] = [
                (OutgoingRecord(topic: topics.messageEvents, key: key, value: huge), .tooLarge),
                (OutgoingRecord(topic: topics.messageEvents, key: key, value: event("m-1").replacing(Array("north".utf8), with: [0x6e, 0xff, 0xfe])), .invalidJSON),
                (OutgoingRecord(topic: topics.messageEvents, key: nil, value: event("m-2")), .missingKey),
                (OutgoingRecord(topic: topics.messageEvents, key: key, value: nil), .missingValue),
            ]
            let producer = try KafkaProducer(configuration: env.configuration.kafka)
            try await producer.send([OutgoingRecord(topic: topics.messageEvents, key: key, value: event("m-before"))])
            for (record, _) in bad { try await producer.send([record]) }
            try await producer.send([OutgoingRecord(topic: topics.messageEvents, key: key, value: event("m-after"))])
            await producer.close()

            try await env.bridge.run(["run", "--legacy", "--stream", "--exit-when-idle"])

            // Both valid events were applied by both paths, the bad ones by neither.
            for source in ["legacy", "stream"] {
                let rows = try await env.bridge.run(["export", "--source", source, "--table", "contact_summary"])
                let row = try #require(rows.split(separator: "\n").map { try ContactSummaryRow(json: Array($0.utf8)) }.first { $0.contactId == "c-bad" })
                #expect(row.messagesSent == 2, "\(source)")
            }
            let letters = try await TopicReader.readAll([topics.deadLetter], configuration: env.configuration)
                .values.flatMap { $0 }.map { try DeadLetter(json: $0.value ?? []) }
            for path in ["legacy", "stream"] {
                let mine = letters.filter { $0.path == path }
                #expect(mine.count == bad.count, "\(path): one dead letter per bad record, got \(mine.map(\.reason))")
                #expect(Set(mine.map(\.offset)).count == bad.count, "\(path): no record dead-lettered twice")
                #expect(mine.contains { $0.reason.contains("1 MiB") || $0.reason.contains("1048576") || $0.reason.contains("too large") },
                        "\(path): the oversized record says why: \(mine.map(\.reason))")
            }
        }
    }
}

private extension Array where Element == UInt8 {
    func replacing(_ old: [UInt8], with new: [UInt8]) -> [UInt8] {
        guard let start = indices.first(where: { self[$0...].starts(with: old) }) else { return self }
        return Array(self[..<start]) + new + Array(self[(start + old.count)...])
    }
}
