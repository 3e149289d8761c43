/// The contract's aggregate definitions (section 2) computed the plain way, in memory. It is the
/// oracle that tests of both paths compare against, so it favours obviousness over speed and
/// memory: every dedupe and distinct-count is an exact set.
package struct ReferenceFold: Sendable {
    private var contacts: [ByteKey: ContactFoldState] = [:]
    private var days: [CampusDayKey: CampusDayFoldState] = [:]

    package init() {}

    /// Records must be applied in partition order per (topic, partition); topics may interleave
    /// arbitrarily, because no definition depends on the order across topics.
    ///
    /// Only `offset` enters a definition (the contact tie-break). `topic` is implied by the record
    /// and `partition` is not needed: both topics are partitioned by contact_id, so the records of
    /// one contact share a partition and `offset` alone ranks them. Both are taken so call sites
    /// pass full Kafka coordinates and cannot mix them up.
    ///
    /// Returns false for a message event whose (contact_id, event_id) was counted before: a
    /// duplicate, which changes nothing (what `bridge explain` marks in its record list).
    @discardableResult
    package mutating func apply(topic: InputTopic, partition: Int32, offset: Int64, record: InputRecord) -> Bool {
        let contactKey = ByteKey(record.contactId)
        switch record {
        case .contact(let update):
            contacts[contactKey, default: ContactFoldState()].apply(update, offset: offset)
            return true
        case .event(let event):
            let counted = contacts[contactKey, default: ContactFoldState()].apply(event)
            if counted {
                days[CampusDayKey(campusId: event.campusId, day: event.at.utcDay), default: CampusDayFoldState()].apply(event)
            }
            return counted
        }
    }

    /// Decodes with `RecordDecoder` and applies the record when valid; an invalid record changes
    /// nothing and its rejection is returned.
    @discardableResult
    package mutating func apply(topic: InputTopic, partition: Int32, offset: Int64,
                               key: [UInt8]?, value: [UInt8]?) -> Rejection? {
        switch RecordDecoder.decode(topic: topic, key: key, value: value) {
        case .success(let record):
            apply(topic: topic, partition: partition, offset: offset, record: record)
            return nil
        case .failure(let rejection):
            return rejection
        }
    }

    /// Rows keyed by contact_id. Swift `String` keys merge ids that are canonically equivalent but
    /// byte-wise different; when that matters use `contactSummaryRows`, which keeps them apart.
    package var contactSummaries: [String: ContactSummaryRow] {
        var out: [String: ContactSummaryRow] = [:]
        out.reserveCapacity(contacts.count)
        for (key, state) in contacts { out[key.string] = state.row(contactId: key.string) }
        return out
    }

    /// One contact's row (nil when no valid record names it), keyed byte-wise.
    package func contactSummary(_ contactId: String) -> ContactSummaryRow? {
        contacts[ByteKey(contactId)]?.row(contactId: contactId)
    }

    /// Every row, ordered by contact_id byte-wise (the order of the stores' exports).
    package var contactSummaryRows: [ContactSummaryRow] {
        contacts.keys.sorted().map { contacts[$0]!.row(contactId: $0.string) }
    }

    /// One campus-day's row (nil when no counted event falls on it).
    package func campusDay(_ key: CampusDayKey) -> CampusDailyRow? {
        days[key]?.row(key)
    }

    package var campusDaily: [CampusDayKey: CampusDailyRow] {
        var out: [CampusDayKey: CampusDailyRow] = [:]
        out.reserveCapacity(days.count)
        for (key, state) in days { out[key] = state.row(key) }
        return out
    }

    /// Every row, ordered by (campus_id byte-wise, day).
    package var campusDailyRows: [CampusDailyRow] {
        days.keys.sorted().map { days[$0]!.row($0) }
    }
}
