import BridgeModel
import Testing

/// A sanity run over a realistic mix, printing the rate for people reading the log. Not a timed
/// assertion: CI machines vary too much for one to mean anything.
@Suite struct DecodeThroughputTests {
    @Test func decodesAMixedBatch() {
        let kinds = EventKind.allCases
        var records: [(InputTopic, [UInt8], [UInt8])] = []
        for i in 0..<20_000 {
            let contact = "c-\(String(i % 5000, radix: 10))"
            if i % 4 == 0 {
                let value = RecordText.contact(id: contact).with("first_name", string: "Name \(i) Zoë").bytes
                records.append((.contacts, Array(contact.utf8), value))
            } else {
                let kind = kinds[i % kinds.count]
                let value = RecordText.event(id: "m-\(i)", contact: contact, kind: kind.rawValue,
                                             at: "2026-11-01T10:05:\(String(format2: i % 60)).\(i % 1000)Z",
                                             campaign: kind.requiresCampaign ? "fall-enroll" : nil).bytes
                records.append((.messageEvents, Array(contact.utf8), value))
            }
        }
        let clock = ContinuousClock()
        var valid = 0
        let elapsed = clock.measure {
            for (topic, key, value) in records {
                if case .success = RecordDecoder.decode(topic: topic, key: key, value: value) { valid += 1 }
            }
        }
        #expect(valid == records.count)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("RecordDecoder: \(records.count) records in \(elapsed), \(Int(Double(records.count) / max(seconds, 1e-9))) records/s")
    }
}

private extension String {
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
