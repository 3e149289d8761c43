/// The kinds of change the audit history records (its `action` column).
public enum RolloutAction: String, Sendable, Hashable, Codable {
    case set
    case advance
    case rollback
}
