/// A phase with its canary percentage: everything needed to tell which path owns a key.
///
/// The percentage is stored as the stream path's share of keys in every phase (0 in shadow, 100
/// in cutover), so "does this change give the stream more keys" is one integer comparison and
/// the gate can be applied uniformly to `advance` and `set`.
package struct RolloutPosition: Sendable, Hashable, Codable, CustomStringConvertible {
    package var phase: RolloutPhase
    package var percent: Int

    package init(phase: RolloutPhase, percent: Int) {
        self.phase = phase
        switch phase {
        case .shadow: self.percent = 0
        case .canary: self.percent = min(100, max(0, percent))
        case .cutover: self.percent = 100
        }
    }

    package static let shadow = RolloutPosition(phase: .shadow, percent: 0)
    package static let cutover = RolloutPosition(phase: .cutover, percent: 100)
    package static func canary(_ percent: Int) -> RolloutPosition { RolloutPosition(phase: .canary, percent: percent) }

    /// The share of keys (0...100) the stream path serves.
    package var streamShare: Int { percent }

    /// The path authoritative for a key (the record key: the contact_id's UTF-8 bytes).
    package func owner(ofKey key: some Sequence<UInt8>) -> ServingPath {
        switch phase {
        case .shadow: .legacy
        case .cutover: .stream
        case .canary: CanaryHash.bucket(ofKey: key) < percent ? .stream : .legacy
        }
    }

    package func owner(of contactId: String) -> ServingPath { owner(ofKey: contactId.utf8) }

    package var description: String { phase == .canary ? "canary \(percent)%" : phase.rawValue }
}
