import BridgeModel
import Testing

/// The shared decoder against 100,000 hostile inputs per run: random bytes, and valid records
/// mutated byte by byte (deleted, inserted, replaced, duplicated, truncated). It must never
/// crash, and whatever it accepts must satisfy every rule of contract section 1.
@Suite struct DecoderFuzzTests {
    static let cases = 100_000

    @Test(arguments: [UInt64(20261127)])
    func hostileInputsAreRejectedOrValid(seed: UInt64) {
        var rng = FuzzRandom(seed: seed)
        let seeds: [(InputTopic, [UInt8])] = [
            (.contacts, RecordText.contact().bytes),
            (.messageEvents, RecordText.event().bytes),
            (.messageEvents, RecordText.event(kind: "reply", campaign: nil).bytes),
            (.messageEvents, RecordText.event(kind: "opt_out", at: "2026-11-01T23:59:59.999999999-08:00", campaign: nil).bytes),
        ]
        var accepted = 0
        var rejected = 0
        for n in 0..<Self.cases {
            let (topic, base) = seeds[n % seeds.count]
            let value = n % 4 == 3 ? rng.bytes(count: rng.int(0...400)) : rng.mutate(base)
            let key: [UInt8]? = rng.int(0...50) == 0 ? nil : Array("c-1".utf8)
            switch RecordDecoder.decode(topic: topic, key: key, value: rng.int(0...200) == 0 ? nil : value) {
            case .success(let record):
                accepted += 1
                let problem = violation(record, key: key)
                #expect(problem == nil, "seed \(seed) case \(n): accepted an invalid record (\(problem ?? "")): \(String(decoding: value, as: UTF8.self))")
                if problem != nil { return }
            case .failure(let rejection):
                rejected += 1
                #expect(!rejection.reason.isEmpty)
            }
        }
        // Both outcomes occur: the mutations are neither all fatal nor all harmless.
        #expect(accepted > 1000 && rejected > 1000, "accepted \(accepted), rejected \(rejected)")
    }

    /// Which rule of contract section 1 the accepted record breaks, if any.
    func violation(_ record: InputRecord, key: [UInt8]?) -> String? {
        func id(_ s: String, _ name: String) -> String? {
            let bytes = Array(s.utf8)
            if bytes.isEmpty || bytes.count > 64 { return "\(name) length \(bytes.count)" }
            if bytes.contains(0) { return "\(name) contains NUL" }
            return nil
        }
        func time(_ t: Timestamp, _ name: String) -> String? {
            Timestamp.parseRFC3339(t.iso8601) == t ? nil : "\(name) \(t.iso8601) does not round-trip"
        }
        guard let key, Array(record.contactId.utf8) == key else { return "key does not equal contact_id" }
        switch record {
        case .contact(let c):
            if c.firstName.unicodeScalars.count > 200 { return "first_name too long" }
            if c.phone.utf8.count > 32 { return "phone too long" }
            if c.firstName.utf8.contains(0) || c.phone.utf8.contains(0) { return "NUL in a string" }
            return id(c.contactId, "contact_id") ?? id(c.campusId, "campus_id") ?? time(c.updatedAt, "updated_at")
        case .event(let e):
            if e.kind.requiresCampaign && e.campaignId == nil { return "\(e.kind.rawValue) without campaign_id" }
            return id(e.eventId, "event_id") ?? id(e.contactId, "contact_id") ?? id(e.campusId, "campus_id")
                ?? e.campaignId.flatMap { id($0, "campaign_id") } ?? time(e.at, "at")
        }
    }
}

/// Deterministic randomness for the fuzz cases (the seed is in the test's arguments).
struct FuzzRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// Bytes that matter to JSON, timestamps and UTF-8, and anything else now and then.
    static let interesting: [UInt8] = Array("{}[]\":,\\ -+.0123456789eETZtfnul".utf8) + [0, 0x7f, 0x80, 0xbf, 0xc0, 0xe2, 0xf0, 0xff]

    mutating func byte() -> UInt8 {
        int(0...3) == 0 ? UInt8(truncatingIfNeeded: next()) : Self.interesting[int(0...(Self.interesting.count - 1))]
    }

    mutating func bytes(count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }

    /// One to three edits of a valid record.
    mutating func mutate(_ base: [UInt8]) -> [UInt8] {
        var value = base
        for _ in 0..<int(1...3) where !value.isEmpty {
            let at = int(0...(value.count - 1))
            switch int(0...4) {
            case 0: value.remove(at: at)
            case 1: value.insert(byte(), at: at)
            case 2: value[at] = byte()
            case 3:
                let end = min(value.count, at + int(1...8))
                value.insert(contentsOf: value[at..<end], at: at)
            default: value = Array(value.prefix(at))
            }
        }
        return value
    }
}
