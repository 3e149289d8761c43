import BridgeModel

/// The contract's topic and consumer-group names (section 3), each with the configured prefix.
public struct TopicNames: Sendable, Hashable {
    public let prefix: String

    public init(prefix: String) { self.prefix = prefix }

    public var contacts: String { prefix + "contacts" }
    public var messageEvents: String { prefix + "message-events" }
    public var contactSummaryStream: String { prefix + "contact-summary.stream" }
    public var campusDailyStream: String { prefix + "campus-daily.stream" }
    public var contactSummaryLegacy: String { prefix + "contact-summary.legacy" }
    /// The serving topic: each key's row from the path the rollout makes authoritative.
    public var contactSummaryServing: String { prefix + "contact-summary" }
    public var deadLetter: String { prefix + "bridge.dead-letter" }

    public var inputs: [String] { [contacts, messageEvents] }
    public var all: [String] {
        inputs + [contactSummaryStream, campusDailyStream, contactSummaryLegacy, contactSummaryServing, deadLetter]
    }

    /// The default consumer group names (`BridgeConfiguration` says which are in force).
    public var legacyGroup: String { prefix + "legacy" }
    public var streamGroup: String { prefix + "stream" }
    public var routerGroup: String { prefix + "router" }

    /// Which input a consumed topic is (nil for a topic that is not an input).
    public func input(_ topic: String) -> InputTopic? {
        if topic == contacts { return .contacts }
        if topic == messageEvents { return .messageEvents }
        return nil
    }

    public func name(of input: InputTopic) -> String {
        switch input {
        case .contacts: contacts
        case .messageEvents: messageEvents
        }
    }
}
