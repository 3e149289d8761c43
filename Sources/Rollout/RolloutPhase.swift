/// Where the migration stands: which path serves the serving topic.
package enum RolloutPhase: String, Sendable, Hashable, CaseIterable, Codable {
    /// The legacy path serves every key; the stream path only runs alongside to be compared.
    case shadow
    /// The stream path serves the keys whose canary bucket is below the percentage.
    case canary
    /// The stream path serves every key.
    case cutover

    /// The next phase `advance` moves to (nil at the end of the road).
    package var next: RolloutPhase? {
        switch self {
        case .shadow: .canary
        case .canary: .cutover
        case .cutover: nil
        }
    }
}

extension RolloutPhase {
    /// A phase name that is none of the three (a hand-edited row, a typo on the command line).
    package struct Unknown: Error, CustomStringConvertible, Sendable {
        package var text: String
        package var description: String { "unknown rollout phase \"\(text)\" (expected shadow, canary or cutover)" }
    }

    package init(parsing text: String) throws {
        guard let phase = RolloutPhase(rawValue: text) else { throw Unknown(text: text) }
        self = phase
    }
}
