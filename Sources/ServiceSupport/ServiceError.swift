import Foundation

/// A service the bridge depends on could not be reached or refused the connection.
///
/// Its description is the one line an operator sees: which service, at which address (with any
/// password removed), and why.
public struct ServiceUnavailable: Error, CustomStringConvertible, Sendable {
    public var service: String
    public var address: String
    public var detail: String

    public init(service: String, address: String, detail: String) {
        self.service = service
        self.address = address
        self.detail = oneLine(detail)
    }

    public var description: String { "\(service) at \(address) is unreachable: \(detail)" }
}

/// Folds a multi-line C library message into one line for logs and errors.
public func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
        .joined(separator: "; ")
}
