/// The contract's discrepancy kinds (section 5).
package enum DiscrepancyKind: String, Sendable, CaseIterable, Hashable {
    /// Both stores have the key at a consistent cut and at least one field differs.
    case valueMismatch = "value_mismatch"
    case missingInStream = "missing_in_stream"
    case missingInLegacy = "missing_in_legacy"
    /// The key could not be compared because one path lags beyond the grace period.
    case stale

    /// Stale keys were not compared, so they do not count towards the mismatch rate.
    package var isMismatch: Bool { self != .stale }
}
