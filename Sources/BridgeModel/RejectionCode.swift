/// Stable machine codes for invalid records; the raw values are metrics labels and part of the
/// operator-facing interface, so they never change.
package enum RejectionCode: String, Sendable, CaseIterable {
    case tooLarge = "too_large"
    case missingValue = "missing_value"
    case missingKey = "missing_key"
    case invalidJSON = "invalid_json"
    case notAnObject = "not_an_object"
    case missingField = "missing_field"
    case wrongType = "wrong_type"
    case invalidValue = "invalid_value"
    case unknownKind = "unknown_kind"
    case invalidTimestamp = "invalid_timestamp"
    case keyMismatch = "key_mismatch"
}
