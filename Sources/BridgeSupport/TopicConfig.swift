import Foundation

/// One topic setting `bridge topics` creates topics with (`retention.ms=604800000`), for every
/// topic or for one of the contract's topics (`contact-summary:cleanup.policy=compact`, the
/// topic named without the prefix). Topic names cannot contain `:` and setting names do not, so
/// the first `:` before the `=` always separates the two.
package struct TopicConfig: Sendable, Hashable, CustomStringConvertible {
    /// A contract topic name without the prefix; nil for every topic.
    package var topic: String?
    package var name: String
    package var value: String

    package init(topic: String? = nil, name: String, value: String) {
        self.topic = topic
        self.name = name
        self.value = value
    }

    package struct Invalid: Error, CustomStringConvertible, Sendable {
        package var source: String
        package var reason: String
        package var description: String { "\(source): \(reason)" }
    }

    /// `[topic:]name=value`; `source` names the variable or flag in errors.
    package init(parsing text: String, source: String) throws {
        let item = text.trimmingCharacters(in: .whitespaces)
        guard let equals = item.firstIndex(of: "=") else {
            throw Invalid(source: source, reason: "\"\(item)\" is not [topic:]name=value")
        }
        var name = String(item[..<equals]).trimmingCharacters(in: .whitespaces)
        let value = String(item[item.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        var topic: String?
        if let colon = name.firstIndex(of: ":") {
            topic = String(name[..<colon])
            name = String(name[name.index(after: colon)...])
            let known = TopicNames(prefix: "").all
            guard known.contains(topic!) else {
                throw Invalid(source: source, reason: "unknown topic \"\(topic!)\" in \"\(item)\"; one of \(known.joined(separator: ", "))")
            }
        }
        guard !name.isEmpty, !value.isEmpty else { throw Invalid(source: source, reason: "\"\(item)\" is not [topic:]name=value") }
        self.init(topic: topic, name: name, value: value)
    }

    /// Items separated by commas or newlines (a value cannot contain a comma).
    package static func parseList(_ text: String, variable: String) throws -> [TopicConfig] {
        try text.split(whereSeparator: { $0 == "," || $0.isNewline })
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { try TopicConfig(parsing: String($0), source: "configuration \(variable)") }
    }

    /// The settings of one contract topic (named without the prefix): the ones for every topic,
    /// overridden by the ones for that topic; for the same setting the later entry wins.
    package static func effective(_ configs: [TopicConfig], forTopic contractName: String) -> [String: String] {
        var result: [String: String] = [:]
        for config in configs where config.topic == nil { result[config.name] = config.value }
        for config in configs where config.topic == contractName { result[config.name] = config.value }
        return result
    }

    package var description: String { (topic.map { "\($0):" } ?? "") + "\(name)=\(value)" }
}
