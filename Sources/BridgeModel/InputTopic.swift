/// The two Kafka topics the bridge consumes. The raw value is the topic's base name; deployments
/// may prepend a prefix (BRIDGE_TOPIC_PREFIX), which is not this type's concern.
package enum InputTopic: String, Sendable, CaseIterable {
    case contacts = "contacts"
    case messageEvents = "message-events"
}
