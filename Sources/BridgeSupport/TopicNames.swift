import BridgeModel

/// The contract's topic and consumer-group names (section 3), each with the configured prefix.
package struct TopicNames: Sendable, Hashable {
    package let prefix: String

    package init(prefix: String) { self.prefix = prefix }

    package var contacts: String { prefix + "contacts" }
    package var messageEvents: String { prefix + "message-events" }
    package var contactSummaryStream: String { prefix + "contact-summary.stream" }
    package var campusDailyStream: String { prefix + "campus-daily.stream" }
    package var contactSummaryLegacy: String { prefix + "contact-summary.legacy" }
    /// The serving topic: each key's row from the path the rollout makes authoritative.
    package var contactSummaryServing: String { prefix + "contact-summary" }
    package var deadLetter: String { prefix + "bridge.dead-letter" }

    package var inputs: [String] { [contacts, messageEvents] }
    package var all: [String] {
        inputs + [contactSummaryStream, campusDailyStream, contactSummaryLegacy, contactSummaryServing, deadLetter]
    }

    /// The default consumer group names (`BridgeConfiguration` says which are in force).
    package var legacyGroup: String { prefix + "legacy" }
    package var streamGroup: String { prefix + "stream" }
    package var routerGroup: String { prefix + "router" }

    /// Which input a consumed topic is (nil for a topic that is not an input).
    package func input(_ topic: String) -> InputTopic? {
        if topic == contacts { return .contacts }
        if topic == messageEvents { return .messageEvents }
        return nil
    }

    package func name(of input: InputTopic) -> String {
        switch input {
        case .contacts: contacts
        case .messageEvents: messageEvents
        }
    }
}
