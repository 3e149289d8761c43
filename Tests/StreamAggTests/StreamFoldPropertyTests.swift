import BridgeModel
import KafkaClient
import Testing
@testable import StreamAgg

/// The engine's fold, commits and outputs must equal the reference fold of the contract,
/// whatever the batch boundaries, the interleaving of partitions and topics, restarts (caches
/// dropped, partitions claimed again) and crashes between a commit and its publish.
@Suite struct StreamFoldPropertyTests {
    @Test(arguments: [UInt64(1), 2, 3, 42, 20261101])
    func matchesReferenceUnderRandomBatchesRestartsAndCrashes(seed: UInt64) async throws {
        try await withStreamEnvironment { env in
            var rng = SeededGenerator(seed: seed)
            let placed = PlacedWorkload(Workload.generate(count: 700, using: &rng), topics: env.topics, partitionCount: StreamTestEnvironment.partitions)
            let expected = placed.reference(topics: env.topics)
            // Guard against a vacuous pass: the workload must reach the interesting corners.
            #expect(expected.contactSummaryRows.count >= 25 && expected.campusDailyRows.count >= 12)
            #expect(expected.contactSummaryRows.contains { $0.optedOut } && expected.contactSummaryRows.contains { $0.firstName == nil })

            var driver = try await env.driver()
            var restarts = 0, crashes = 0
            for batch in placed.batches(maxBatch: 60, using: &rng) {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0:
                    // A restart: a new instance claims every partition and starts with empty caches.
                    await driver.close()
                    driver = try await env.driver()
                    restarts += 1
                    try await driver.apply(batch)
                case 1:
                    // A crash after the commit, before the publish: the next owner publishes the
                    // batch's keys again from its outbox.
                    let folded = try await driver.fold(batch)
                    try await driver.worker.commit(folded)
                    await driver.close()
                    driver = try await env.driver()
                    crashes += 1
                default:
                    try await driver.apply(batch)
                }
            }
            await driver.close()
            #expect(restarts > 0 && crashes > 0)

            let export = try await env.export()
            #expect(export.contacts == expected.contactSummaryRows, "seed \(seed): contact_summary differs")
            #expect(export.days == expected.campusDailyRows, "seed \(seed): campus_daily differs")
            for (a, b) in zip(export.contacts, expected.contactSummaryRows) where a != b {
                print("seed \(seed)\n stream:    \(a.json)\n reference: \(b.json)")
            }
            let published = try await env.published()
            #expect(published.contacts == export.contacts, "seed \(seed): last published contact rows")
            #expect(published.days == export.days, "seed \(seed): last published campus-day rows")
        }
    }

    /// Ties of opt events at the same instant go to the byte-wise greater event_id, whatever a
    /// collating comparison would say.
    @Test func optTiesAreByteWise() async throws {
        try await withStreamEnvironment { env in
            let topic = env.topics.messageEvents
            func event(_ offset: Int64, _ contact: String, _ id: String, _ kind: String) -> KafkaRecord {
                let text = "{\"event_id\":\(JSONText.string(id)),\"contact_id\":\"\(contact)\",\"campus_id\":\"north\",\"kind\":\"\(kind)\",\"at\":\"2026-11-01T10:00:00Z\"}"
                return KafkaRecord(topic: topic, partition: 0, offset: offset, key: Array(contact.utf8), value: Array(text.utf8))
            }
            // "B" (0x42) < "a" (0x61) byte-wise, while a UTF-8 locale collates "a" before "B";
            // "\u{E9}" (0xC3 0xA9) is greater than "z" byte-wise, but collates before it.
            let driver = try await env.driver()
            try await driver.apply([
                event(0, "x1", "a", "opt_in"), event(1, "x1", "B", "opt_out"),
                event(2, "x2", "B", "opt_out"), event(3, "x2", "a", "opt_in"),
                event(4, "x3", "z", "opt_in"), event(5, "x3", "\u{E9}", "opt_out"),
            ])
            await driver.close()
            let rows = try await env.export().contacts
            #expect(rows.map(\.contactId) == ["x1", "x2", "x3"])
            #expect(rows.map(\.optedOut) == [false, false, true])
        }
    }
}

/// Contacts whose campaigns and active campus-days outgrow their row's memo move them to the
/// seen set; batches cut anywhere across that move, and restarts in between, stay exact.
@Suite struct RowMemoSpillTests {
    @Test(arguments: [UInt64(7), 8, 9])
    func campaignsAndDaysBeyondTheRowStayExact(seed: UInt64) async throws {
        try await withStreamEnvironment { env in
            var rng = SeededGenerator(seed: seed)
            var workload = Workload()
            // Two contacts, each sending in 40 campaigns over 30 campus-days, with repeats.
            for n in 0..<400 {
                let contact = n % 2 == 0 ? "heavy-a" : "heavy-b"
                let campaign = "camp-\(Int.random(in: 1...40, using: &rng))"
                let day = String(format: "%02d", Int.random(in: 1...15, using: &rng))
                let campus = ["north", "south"].randomElement(using: &rng)!
                let kind = ["sent", "sent", "delivered", "reply"].randomElement(using: &rng)!
                let id = Int.random(in: 0..<10, using: &rng) == 0 ? "dup-\(n % 7)" : "m-\(n)"
                let text = "{\"event_id\":\"\(id)\",\"contact_id\":\"\(contact)\",\"campus_id\":\"\(campus)\",\"campaign_id\":\"\(campaign)\",\"kind\":\"\(kind)\",\"at\":\"2026-11-\(day)T10:00:00Z\"}"
                workload.items.append(.init(topic: .messageEvents, key: Array(contact.utf8), value: Array(text.utf8)))
            }
            let placed = PlacedWorkload(workload, topics: env.topics, partitionCount: StreamTestEnvironment.partitions)
            let expected = placed.reference(topics: env.topics)
            #expect(expected.contactSummaryRows.allSatisfy { $0.campaigns > Int64(ContactAggregate.campaignMemoCapacity) })

            var driver = try await env.driver()
            for batch in placed.batches(maxBatch: 25, using: &rng) {
                if Int.random(in: 0..<6, using: &rng) == 0 {
                    await driver.close()
                    driver = try await env.driver()
                }
                try await driver.apply(batch)
            }
            await driver.close()
            let export = try await env.export()
            #expect(export.contacts == expected.contactSummaryRows)
            #expect(export.days == expected.campusDailyRows)
        }
    }
}
