/// How a round read the stores: by checksummed key ranges when both paths are at one cut,
/// otherwise every row (and why), so an operator can tell a cheap round from an expensive one.
package enum ComparisonMethod: Sendable, Equatable {
    /// Bucket sums compared everywhere; rows read only in `bucketsRead` of `buckets` buckets.
    /// The stream's sums are the ones its commits maintain, or, in a verifying round, sums
    /// recomputed from its stored rows (`verification`).
    case checksums(buckets: Int, bucketsRead: Int, verification: SumVerification?)
    /// Every row of both stores read and compared key by key.
    case full(reason: String)

    package var name: String {
        switch self {
        case .checksums: "checksums"
        case .full: "full"
        }
    }

    package var description: String {
        switch self {
        case let .checksums(buckets, read, nil):
            "checksums (rows read in \(read) of \(buckets) buckets)"
        case let .checksums(buckets, read, verification?):
            "verified checksums (sums recomputed from the stream's rows; \(verification.driftedBuckets) buckets disagreed with "
                + "the maintained sums; rows read in \(read) of \(buckets) buckets)"
        case let .full(reason): "full read (\(reason))"
        }
    }
}

/// What a verifying round found when it recomputed the stream's bucket sums from its rows.
package struct SumVerification: Sendable, Equatable {
    /// Buckets whose recomputed sum differs from the sum the stream's commits maintained: rows
    /// changed behind the stream engine's back (a manual write, a partial restore).
    package var driftedBuckets: Int

    package init(driftedBuckets: Int) { self.driftedBuckets = driftedBuckets }
}
