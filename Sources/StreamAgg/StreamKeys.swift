import BridgeModel

/// The stream path's Redis key layout, all under the configured prefix (the topic prefix).
///
/// `ContactDigestLua` spells the contact keys out too (it runs inside Redis).
///
/// A contact's keys share the hash tag `{<contact_id>}`, so a Redis Cluster keeps the contact's
/// atomic step on one shard.
struct StreamKeys: Sendable {
    let prefix: String

    /// Hash: the contact's fold state plus its applied-offset metadata per source partition.
    func contactState(_ contactId: String) -> String { "\(prefix)c:{\(contactId)}:s" }
    /// Set: every event_id counted for the contact, kept forever (the contract's dedupe).
    func contactEvents(_ contactId: String) -> String { "\(prefix)c:{\(contactId)}:e" }
    /// Set: distinct campaign ids of the contact's sent events.
    func contactCampaigns(_ contactId: String) -> String { "\(prefix)c:{\(contactId)}:k" }
    /// Set: every contact id with a row (the export's index).
    var contacts: String { "\(prefix)contacts" }
    /// Set: every "campus|day" with a row (the export's index).
    var days: String { "\(prefix)days" }
    /// Hash: sent, delivered, failed, replies, opt_outs of one campus-day.
    func day(_ suffix: String) -> String { "\(prefix)d:\(suffix)" }
    /// Set: contact ids active on one campus-day.
    func dayContacts(_ suffix: String) -> String { "\(prefix)d:\(suffix):ac" }
    /// Hash: "topic|partition" -> next offset to read, written after a batch is published.
    var offsets: String { "\(prefix)offsets:stream" }
    /// Hash: "topic|partition" -> next offset not yet dead-lettered, so a replay does not
    /// dead-letter a record again.
    var deadLetters: String { "\(prefix)deadletters:stream" }

    /// Hash: "topic|partition" -> the offset after the last record of a batch being folded,
    /// written before the fold. Where it is ahead of `offsets`, state may be ahead of them.
    var folding: String { "\(prefix)folding:stream" }

    static func partitionField(topic: String, partition: Int32) -> String { "\(topic)|\(partition)" }
}
