/// A discrepancy a stored round listed, as the status page shows it: the key, what differed
/// and which path the round judged wrong, and why.
public struct DiscrepancyExample: Sendable, Hashable, Codable {
    public var roundId: Int64
    public var table: String
    public var key: String
    public var kind: String
    public var verdict: String
    public var explanation: String?
}
