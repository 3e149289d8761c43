import Foundation

/// What every error of the service clients (Redis, Kafka, PostgreSQL) says about itself:
/// whether it is transient.
///
/// Transient means "the same operation, unchanged, may succeed if tried again later": the
/// service is unreachable, restarting, loading its data, failing over, or the request lost a
/// race with another one (a deadlock). Permanent means retrying cannot help until someone
/// changes the request or the configuration: a syntax error, a wrong password, a key layout
/// that a Redis Cluster refuses. `RetryPolicy` retries the first kind and throws the second.
package protocol ServiceError: Error, CustomStringConvertible, Sendable {
    var isTransient: Bool { get }
}

extension Error {
    /// Whether retrying later may help: what a `ServiceError` says; false for any other error
    /// (a cancellation, a decoding error), which no amount of waiting fixes.
    package var isTransient: Bool {
        (self as? any ServiceError)?.isTransient ?? false
    }
}

/// A service the bridge depends on could not be reached or refused the connection.
///
/// Its description is the one line an operator sees: which service, at which address (with any
/// password removed), and why.
package struct ServiceUnavailable: ServiceError {
    package var service: String
    package var address: String
    package var detail: String
    /// False when the service answered and refused us for good (a wrong password, a setting it
    /// does not support): waiting does not bring it back.
    package var isTransient: Bool

    package init(service: String, address: String, detail: String, isTransient: Bool = true) {
        self.service = service
        self.address = address
        self.detail = oneLine(detail)
        self.isTransient = isTransient
    }

    package var description: String { "\(service) at \(address) is unreachable: \(detail)" }
}

/// Folds a multi-line C library message into one line for logs and errors.
package func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
        .joined(separator: "; ")
}
