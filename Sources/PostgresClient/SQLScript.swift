import Foundation

/// Several SQL statements run as one text without parameters: a migration. It can come only
/// from text written in the source or from a file shipped with the product, never from a
/// `String` computed at run time, because a script has no bind parameters to keep values out
/// of it (statements with values are `PostgresQuery`s).
package struct SQLScript: Sendable {
    package let text: String

    /// A script written in the source.
    package init(_ text: StaticString) {
        self.text = text.description
    }

    /// A script file shipped with the product, such as one of `migrations/`.
    package init(contentsOf file: URL) throws {
        text = try String(contentsOf: file, encoding: .utf8)
    }
}
