/// A discrepancy a stored round listed, as the status page shows it: the key, what differed
/// and which path the round judged wrong, and why.
package struct DiscrepancyExample: Sendable, Hashable, Codable {
    package var roundId: Int64
    package var table: String
    package var key: String
    package var kind: String
    package var verdict: String
    package var explanation: String?
}
