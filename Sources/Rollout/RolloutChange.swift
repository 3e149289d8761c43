/// A change that was made and recorded.
public struct RolloutChange: Sendable, Hashable, Codable {
    public var action: RolloutAction
    public var from: RolloutPosition
    public var to: RolloutPosition
    /// True when the gate was closed and --force pushed the change through.
    public var forced: Bool
    /// The gate's verdict when the change needed it (it gave the stream path more keys).
    public var verdict: GateVerdict?
    public var historyId: Int64
}
