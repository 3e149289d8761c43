/// A member value of a parsed JSON object.
///
/// Every document this model reads (input records, rows, dead letters) is a flat object of
/// scalars, so nested arrays and objects are validated in full but not materialised: they only
/// ever appear in unknown fields, which are ignored, or as a type error.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The literal exactly as written (already checked against the RFC 8259 number grammar), so
    /// integers are read without a detour through Double.
    case number(String)
    case string(String)
    case array
    case object

    /// "a string", "null", ... for reasons such as "expected a boolean, found a string".
    var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
