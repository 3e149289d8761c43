/// A valid input record of either topic, as the one decoder produces it.
package enum InputRecord: Sendable, Hashable {
    case contact(ContactUpdate)
    case event(MessageEvent)

    /// The Kafka key both topics are partitioned by.
    package var contactId: String {
        switch self {
        case .contact(let c): return c.contactId
        case .event(let e): return e.contactId
        }
    }
}
