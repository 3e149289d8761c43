import BridgeModel

/// The keys one batch of one partition changed, stored by the batch's commit and forgotten once
/// its outputs are acknowledged: after a crash in between, the next owner of the partition
/// publishes these keys' current rows again, so no last value is lost on the output topics.
struct OutboxEntry: Sendable, Equatable {
    var contacts: [String] = []
    var days: [CampusDayKey] = []

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 16 + contacts.count * 12 + days.count * 20)
        w.varint(UInt64(contacts.count))
        for id in contacts { w.string(id) }
        w.varint(UInt64(days.count))
        for day in days { w.string(day.kafkaKey) }
        return w.bytes
    }

    init(contacts: [String], days: [CampusDayKey]) {
        self.contacts = contacts
        self.days = days
    }

    init?(decoding bytes: [UInt8]) {
        var r = ByteReader(bytes)
        guard let n = r.varint(), n <= UInt64(bytes.count) else { return nil }
        for _ in 0..<n { guard let id = r.string() else { return nil }; contacts.append(id) }
        guard let m = r.varint(), m <= UInt64(bytes.count) else { return nil }
        for _ in 0..<m {
            guard let text = r.string(), let key = CampusDayKey(kafkaKey: text) else { return nil }
            days.append(key)
        }
        guard r.isAtEnd else { return nil }
    }
}
