/// A partition's digest bucket sums (`ContactDigest`), stored as one Redis string: 4,096
/// little-endian 64-bit sums. One value per commit costs Redis far less than a hash field per
/// changed bucket (a batch changes thousands of buckets).
struct BucketSums: Sendable, Equatable {
    private(set) var sums: [Int64]

    init() { sums = [Int64](repeating: 0, count: ContactDigest.bucketCount) }

    /// nil unless `bytes` is empty (no sums stored yet: all zero) or exactly 4,096 sums.
    init?(decoding bytes: [UInt8]) {
        self.init()
        if bytes.isEmpty { return }
        guard bytes.count == ContactDigest.bucketCount * 8 else { return nil }
        bytes.withUnsafeBytes { raw in
            for i in 0..<ContactDigest.bucketCount { sums[i] = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
        }
    }

    /// Replaces a row's old digest (0 for a new row) by its new one in `bucket`.
    mutating func replace(_ old: UInt64, by new: UInt64, in bucket: Int) {
        sums[bucket] = sums[bucket] &- Int64(bitPattern: old) &+ Int64(bitPattern: new)
    }

    func encoded() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: sums.count * 8)
        out.withUnsafeMutableBytes { raw in
            for (i, sum) in sums.enumerated() { raw.storeBytes(of: sum.littleEndian, toByteOffset: i * 8, as: Int64.self) }
        }
        return out
    }

    /// The non-zero sums by bucket.
    var nonZero: [Int: Int64] {
        var out: [Int: Int64] = [:]
        for (bucket, sum) in sums.enumerated() where sum != 0 { out[bucket] = sum }
        return out
    }
}
