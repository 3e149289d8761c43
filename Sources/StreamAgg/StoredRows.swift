import BridgeModel
import RedisClient

/// Builds the contract's rows from what the stream path keeps in Redis; shared by the batch
/// step (publishing) and the export, so both read state the same way.
enum StoredRows {
    /// A flat [field, value, ...] reply (HGETALL or the script's state) as a dictionary.
    static func fields(_ reply: RedisReply) throws -> [String: String] {
        guard let items = try reply.check().array else { throw StreamError.unexpectedReply("hash", reply) }
        var out: [String: String] = [:]
        var i = 0
        while i + 1 < items.count {
            if let f = items[i].string, let v = items[i + 1].string { out[f] = v }
            i += 2
        }
        return out
    }

    static func contact(contactId: String, fields f: [String: String], campaigns: Int64) throws -> ContactSummaryRow {
        typealias F = ContactFoldScript.Field
        func count(_ name: String) throws -> Int64 {
            guard let text = f[name] else { return 0 }
            guard let n = Int64(text) else { throw StreamError.corruptState(contactId, name, text) }
            return n
        }
        func time(_ name: String) throws -> Timestamp? {
            guard let text = f[name] else { return nil }
            guard let ms = Int64(text) else { throw StreamError.corruptState(contactId, name, text) }
            return Timestamp(millis: ms)
        }
        let optedOut: Bool
        if let kind = f[F.optKind] {
            optedOut = kind == EventKind.optOut.rawValue
        } else {
            optedOut = f[F.contactOptedOut] == "1"
        }
        return ContactSummaryRow(
            contactId: contactId, campusId: f[F.campusId], firstName: f[F.firstName], phone: f[F.phone],
            optedOut: optedOut, messagesSent: try count(F.sent), messagesDelivered: try count(F.delivered),
            messagesFailed: try count(F.failed), replies: try count(F.replies), campaigns: campaigns,
            firstEventAt: try time(F.firstEventAt), lastSentAt: try time(F.lastSentAt),
            lastReplyAt: try time(F.lastReplyAt))
    }

    /// `suffix` is "campus|day"; `f` the campus-day hash (absent counters are zero: a day that
    /// saw only opt_in events has no counter at all).
    static func campusDay(suffix: String, fields f: [String: String], activeContacts: Int64) throws -> CampusDailyRow {
        guard let key = CampusDayKey(kafkaKey: suffix) else { throw StreamError.corruptState(suffix, "key", suffix) }
        func count(_ name: String) throws -> Int64 {
            guard let text = f[name] else { return 0 }
            guard let n = Int64(text) else { throw StreamError.corruptState(suffix, name, text) }
            return n
        }
        return CampusDailyRow(campusId: key.campusId, day: key.day, sent: try count("sent"),
                              delivered: try count("delivered"), failed: try count("failed"),
                              replies: try count("replies"), optOuts: try count("opt_outs"),
                              activeContacts: activeContacts)
    }
}
