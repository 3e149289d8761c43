import BridgeModel
import Foundation

/// A realistic synthetic workload for both input topics, deterministic for a given seed.
///
/// Contacts get CRM updates over time (some tied on `updated_at`); each message has a
/// lifecycle (sent, then delivered or failed seconds later, sometimes a reply minutes later,
/// now and then an opt-out or opt-in); campaigns and campuses vary; timestamps come with
/// several UTC offsets and fraction lengths; some events are re-delivered (a few with changed
/// content, which the contract says must not count), some arrive out of time order, and a
/// configurable share of records is malformed in the ways the contract names.
package struct WorkloadGenerator: Sendable {
    package struct Record: Sendable, Hashable {
        package var topic: InputTopic
        package var key: [UInt8]?
        package var value: [UInt8]?
    }

    package var contacts: Int
    package var events: Int
    package var seed: UInt64
    /// Share of records made invalid on purpose (0...1).
    package var invalidShare: Double
    /// Share of message events delivered twice.
    package var duplicateShare: Double

    package static let campuses = ["north", "south", "east", "west", "online"]
    static let firstNames = ["Ana", "Bo", "Chloé", "Dmitri", "Eun-ji", "Fatima", "Günter", "Hana", "Iñaki", "José", "Kwame", "Léa", "Mateus", "Nguyễn", "Olúwaseun", "Priya", "Quinn", "Renée", "Søren", "Tomás", "Ümit", "Zoë 🎓"]
    static let offsets = ["Z", "+00:00", "-05:00", "+05:30", "-08:00", "+09:00", "+14:00", "-03:30"]

    package init(contacts: Int, events: Int, seed: UInt64 = 42, invalidShare: Double = 0.01, duplicateShare: Double = 0.02) {
        self.contacts = max(1, contacts)
        self.events = max(0, events)
        self.seed = seed
        self.invalidShare = invalidShare
        self.duplicateShare = duplicateShare
    }

    /// Calls `emit` with every record in production order; returns how many were emitted.
    @discardableResult
    package func generate(_ emit: (Record) throws -> Void) throws -> Int {
        var rng = SplitMix64(seed: seed)
        var emitted = 0
        let base: Int64 = 1_793_491_200_000 // 2026-11-01T00:00:00Z
        let campaigns = (1...12).map { "campaign-\($0)" }
        func contactId(_ i: Int) -> String { "c-" + String(format: "%06d", i) }
        var contactCampus = [String](repeating: "", count: contacts)
        var updatedAt = [Int64](repeating: base, count: contacts)
        func out(_ record: Record) throws {
            try emit(record)
            emitted += 1
        }

        // Every contact starts with a CRM record; some get more later.
        for i in 0..<contacts {
            contactCampus[i] = Self.campuses[Int(rng.next() % UInt64(Self.campuses.count))]
            updatedAt[i] = base + Int64(rng.next() % 86_400_000)
            try out(contactRecord(id: contactId(i), campus: contactCampus[i], at: updatedAt[i], rng: &rng))
        }

        var eventNumber = 0
        var recent: [(id: String, contact: Int, kind: String, at: Int64, campaign: String?)] = []
        var produced = 0
        while produced < events {
            let c = Int(rng.next() % UInt64(contacts))
            let id = contactId(c)
            // A CRM update now and then, sometimes tied on updated_at with the previous one.
            if rng.chance(0.05) {
                if !rng.chance(0.2) { updatedAt[c] += Int64(rng.next() % 3_600_000) }
                if rng.chance(0.1) { contactCampus[c] = Self.campuses[Int(rng.next() % UInt64(Self.campuses.count))] }
                try out(contactRecord(id: id, campus: contactCampus[c], at: updatedAt[c], rng: &rng))
            }
            if rng.chance(invalidShare) {
                try out(malformed(contact: id, rng: &rng))
                produced += 1
                continue
            }
            if rng.chance(duplicateShare), let original = recent.randomElement(using: &rng) {
                // Re-delivery: same event id; 1 in 4 with changed content, which must not count.
                let changed = rng.chance(0.25)
                let at = changed ? original.at + 1000 : original.at
                try out(event(id: original.id, contact: contactId(original.contact), campus: contactCampus[original.contact],
                              campaign: original.campaign, kind: changed && original.kind == "delivered" ? "failed" : original.kind,
                              at: at, rng: &rng))
                produced += 1
                continue
            }
            // One message lifecycle.
            eventNumber += 1
            let campaign = campaigns[Int(rng.next() % UInt64(campaigns.count))]
            var at = base + Int64(rng.next() % (30 * 86_400_000))
            if rng.chance(0.03) { at -= Int64(rng.next() % 86_400_000) } // out of order
            var lifecycle: [(String, String?, Int64)] = [("sent", campaign, at)]
            lifecycle.append((rng.chance(0.88) ? "delivered" : "failed", campaign, at + Int64(rng.next() % 20_000)))
            if rng.chance(0.25) { lifecycle.append(("reply", rng.chance(0.5) ? campaign : nil, at + 60_000 + Int64(rng.next() % 3_600_000))) }
            if rng.chance(0.03) { lifecycle.append(("opt_out", nil, at + Int64(rng.next() % 7_200_000))) }
            if rng.chance(0.015) { lifecycle.append(("opt_in", nil, at + 7_200_000 + Int64(rng.next() % 7_200_000))) }
            for (n, (kind, camp, t)) in lifecycle.enumerated() where produced < events {
                let eventId = "m-\(seed)-\(eventNumber)-\(n)"
                try out(event(id: eventId, contact: id, campus: contactCampus[c], campaign: camp, kind: kind, at: t, rng: &rng))
                recent.append((eventId, c, kind, t, camp))
                if recent.count > 1000 { recent.removeFirst(500) }
                produced += 1
            }
        }
        return emitted
    }

    private func contactRecord(id: String, campus: String, at: Int64, rng: inout SplitMix64) -> Record {
        let name = Self.firstNames[Int(rng.next() % UInt64(Self.firstNames.count))]
        let phone = "+1555" + String(format: "%07d", Int(rng.next() % 10_000_000))
        let json = "{\"contact_id\":\(JSONText.string(id)),\"campus_id\":\(JSONText.string(campus)),\"first_name\":\(JSONText.string(name)),\"phone\":\"\(phone)\",\"opted_out\":\(rng.chance(0.05)),\"updated_at\":\"\(Self.rfc3339(at, rng: &rng))\"}"
        return Record(topic: .contacts, key: Array(id.utf8), value: Array(json.utf8))
    }

    private func event(id: String, contact: String, campus: String, campaign: String?, kind: String, at: Int64, rng: inout SplitMix64) -> Record {
        var json = "{\"event_id\":\(JSONText.string(id)),\"contact_id\":\(JSONText.string(contact)),\"campus_id\":\(JSONText.string(campus)),"
        if let campaign { json += "\"campaign_id\":\(JSONText.string(campaign)),"} else if rng.chance(0.5) { json += "\"campaign_id\":null," }
        json += "\"kind\":\"\(kind)\",\"at\":\"\(Self.rfc3339(at, rng: &rng))\""
        if rng.chance(0.05) { json += ",\"channel\":{\"sms\":true,\"carrier\":[\"x\",1]}" }
        json += "}"
        return Record(topic: .messageEvents, key: Array(contact.utf8), value: Array(json.utf8))
    }

    /// One of the malformations the contract lists.
    private func malformed(contact: String, rng: inout SplitMix64) -> Record {
        let valid = "{\"event_id\":\"bad-\(rng.next() % 1_000_000)\",\"contact_id\":\"\(contact)\",\"campus_id\":\"north\",\"campaign_id\":\"x\",\"kind\":\"sent\",\"at\":\"2026-11-01T10:00:00Z\"}"
        let value: [UInt8]?
        var key: [UInt8]? = Array(contact.utf8)
        switch rng.next() % 7 {
        case 0: value = Array(valid.dropLast().utf8)                                        // invalid JSON
        case 1: value = Array(valid.replacingOccurrences(of: "\"sent\"", with: "\"bounced\"").utf8) // unknown kind
        case 2: value = Array(valid.replacingOccurrences(of: "2026-11-01T10:00:00Z", with: "2026-13-01T10:00:00Z").utf8)
        case 3: key = Array("someone-else".utf8); value = Array(valid.utf8)                 // key mismatch
        case 4: value = Array(valid.replacingOccurrences(of: "\"campus_id\":\"north\",", with: "").utf8) // missing field
        case 5: value = nil                                                                  // tombstone
        default: value = Array(valid.replacingOccurrences(of: "\"x\"", with: "42").utf8)     // mistyped
        }
        return Record(topic: .messageEvents, key: key, value: value)
    }

    /// A timestamp in one of several offsets and fraction lengths (the decoder normalises them).
    static func rfc3339(_ millis: Int64, rng: inout SplitMix64) -> String {
        let offset = offsets[Int(rng.next() % UInt64(offsets.count))]
        var minutes = 0
        if offset != "Z" {
            let sign = offset.hasPrefix("-") ? -1 : 1
            let parts = offset.dropFirst().split(separator: ":")
            minutes = sign * (Int(parts[0])! * 60 + Int(parts[1])!)
        }
        let local = Timestamp(millis: millis + Int64(minutes) * 60_000).iso8601 // "YYYY-MM-DDTHH:MM:SS.mmmZ"
        var text = String(local.dropLast())
        switch rng.next() % 4 {
        case 0: text = String(text.dropLast(4))          // no fraction
        case 1: text += String(rng.next() % 10)           // 4 digits: truncated, not rounded
        case 2: text += "999999"                          // 9 digits
        default: break
        }
        return text + offset
    }
}

/// A small, fast, seedable generator: the same seed gives the same workload on every machine.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}
