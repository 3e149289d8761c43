/// A change that was made and recorded.
package struct RolloutChange: Sendable, Hashable, Codable {
    package var action: RolloutAction
    package var from: RolloutPosition
    package var to: RolloutPosition
    /// True when the gate was closed and --force pushed the change through.
    package var forced: Bool
    /// The gate's verdict when the change needed it (it gave the stream path more keys).
    package var verdict: GateVerdict?
    package var historyId: Int64
}
