/// A string used as a dictionary or set key with byte-wise identity and order (see `ByteString`),
/// so that two ids that are canonically equivalent but spelled with different bytes stay two ids.
package struct ByteKey: Hashable, Comparable, Sendable {
    package let string: String

    package init(_ string: String) {
        self.string = string
    }

    package static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
        ByteString.equal(lhs.string, rhs.string)
    }

    package static func < (lhs: ByteKey, rhs: ByteKey) -> Bool {
        ByteString.less(lhs.string, rhs.string)
    }

    package func hash(into hasher: inout Hasher) {
        ByteString.hash(string, into: &hasher)
    }
}
