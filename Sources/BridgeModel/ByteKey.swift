/// A string used as a dictionary or set key with byte-wise identity and order (see `ByteString`),
/// so that two ids that are canonically equivalent but spelled with different bytes stay two ids.
public struct ByteKey: Hashable, Comparable, Sendable {
    public let string: String

    public init(_ string: String) {
        self.string = string
    }

    public static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
        ByteString.equal(lhs.string, rhs.string)
    }

    public static func < (lhs: ByteKey, rhs: ByteKey) -> Bool {
        ByteString.less(lhs.string, rhs.string)
    }

    public func hash(into hasher: inout Hasher) {
        ByteString.hash(string, into: &hasher)
    }
}
