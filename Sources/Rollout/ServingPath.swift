import KafkaClient

/// The two paths that can serve a key, as named in the `bridge-path` header of the serving topic.
package enum ServingPath: String, Sendable, Hashable, CaseIterable, Codable {
    case legacy
    case stream

    /// The header the router puts on every serving record, so a consumer (or a test) can tell
    /// which path a row came from without comparing values.
    package static let headerName = "bridge-path"

    package var header: KafkaHeader { KafkaHeader(Self.headerName, Array(rawValue.utf8)) }

    /// The path named by a record's `bridge-path` header, if it has one.
    package init?(headers: [KafkaHeader]) {
        guard let value = headers.last(where: { $0.name == Self.headerName })?.value,
              let path = ServingPath(rawValue: String(decoding: value, as: UTF8.self)) else { return nil }
        self = path
    }
}
