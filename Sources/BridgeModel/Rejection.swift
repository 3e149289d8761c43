/// Why a record (or a row's JSON) was refused: a stable code for metrics and a precise reason for
/// the dead-letter record and the operator reading it.
public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: RejectionCode
    public var reason: String

    public init(code: RejectionCode, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
