import BridgeModel

/// One contact's valid records of a batch, in batch order (which is partition order within
/// each source partition), and the script call that folds them.
struct ContactGroup: Sendable {
    struct Entry: Sendable {
        var topic: InputTopic
        var partition: Int32
        var offset: Int64
        var record: InputRecord
        var timestampMillis: Int64?
    }

    let contactId: String
    var entries: [Entry] = []

    init(contactId: String) {
        self.contactId = contactId
    }

    /// The EVALSHA keys and arguments of one `ContactFoldScript` call folding `groups`.
    static func scriptCall(_ groups: some Collection<ContactGroup>, keys layout: StreamKeys) -> (keys: [[UInt8]], args: [[UInt8]]) {
        var keys: [[UInt8]] = []
        keys.reserveCapacity(groups.count * 3)
        var args: [[UInt8]] = [Array(layout.prefix.utf8)]
        args.reserveCapacity(1 + groups.reduce(0) { $0 + 2 + $1.entries.count * ContactFoldScript.fieldsPerRecord })
        for group in groups {
            let id = group.contactId
            keys += [layout.contactState(id), layout.contactEvents(id), layout.contactCampaigns(id)].map { Array($0.utf8) }
            args.append(Array(id.utf8))
            args.append(Array(String(group.entries.count).utf8))
            group.appendArguments(to: &args)
        }
        return (keys, args)
    }

    private func appendArguments(to args: inout [[UInt8]]) {
        for entry in entries {
            let meta = ContactFoldScript.Field.meta(topic: entry.topic.rawValue, partition: entry.partition)
            switch entry.record {
            case .contact(let c):
                args += ["c", meta, String(entry.offset), c.campusId, c.firstName, c.phone,
                         c.optedOut ? "1" : "0", String(c.updatedAt.millis), ""].map { Array($0.utf8) }
            case .event(let e):
                args += ["e", meta, String(entry.offset), e.eventId, e.campusId, e.campaignId ?? "",
                         e.kind.rawValue, String(e.at.millis), e.at.utcDay.iso].map { Array($0.utf8) }
            }
        }
    }
}
