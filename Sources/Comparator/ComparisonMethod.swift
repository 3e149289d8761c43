/// How a round read the stores: by checksummed key ranges when both paths are at one cut,
/// otherwise every row (and why), so an operator can tell a cheap round from an expensive one.
public enum ComparisonMethod: Sendable, Equatable {
    /// Bucket sums compared everywhere; rows read only in `bucketsRead` of `buckets` buckets.
    case checksums(buckets: Int, bucketsRead: Int)
    /// Every row of both stores read and compared key by key.
    case full(reason: String)

    public var name: String {
        switch self {
        case .checksums: "checksums"
        case .full: "full"
        }
    }

    public var description: String {
        switch self {
        case let .checksums(buckets, read): "checksums (rows read in \(read) of \(buckets) buckets)"
        case let .full(reason): "full read (\(reason))"
        }
    }
}
