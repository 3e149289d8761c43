/// The `kind` of a message event; raw values are the wire spellings.
package enum EventKind: String, Sendable, CaseIterable {
    case sent, delivered, failed, reply
    case optOut = "opt_out"
    case optIn = "opt_in"

    /// The kinds that belong to a campaign send and so must name it.
    package var requiresCampaign: Bool {
        switch self {
        case .sent, .delivered, .failed: return true
        case .reply, .optOut, .optIn: return false
        }
    }
}
