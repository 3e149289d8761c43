/// Why a record (or a row's JSON) was refused: a stable code for metrics and a precise reason for
/// the dead-letter record and the operator reading it.
package struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    package var code: RejectionCode
    package var reason: String

    package init(code: RejectionCode, reason: String) {
        self.code = code
        self.reason = reason
    }

    package var description: String { "\(code.rawValue): \(reason)" }
}
