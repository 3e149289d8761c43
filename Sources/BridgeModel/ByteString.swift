#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise (UTF-8) identity and order for strings.
///
/// Swift's `String` `==`, `<` and hashing follow Unicode canonical equivalence, so "é" (U+00E9)
/// equals "e\u{301}" and ordering follows normalised scalars. PostgreSQL `text` equality, Redis
/// keys, Kafka keys and the contract's tie-breaks are all byte-wise, so every identity or ordering
/// in this model that must agree with them goes through here instead.
package enum ByteString {
    @inline(__always)
    package static func equal(_ a: String, _ b: String) -> Bool {
        compare(a, b) == 0
    }

    @inline(__always)
    package static func equal(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return equal(a, b)
        default: return false
        }
    }

    @inline(__always)
    package static func less(_ a: String, _ b: String) -> Bool {
        compare(a, b) < 0
    }

    /// memcmp order, shorter prefix first: the order of PostgreSQL's "C" collation and of Redis.
    package static func compare(_ a: String, _ b: String) -> Int {
        let fast = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in compare(pa, pb) }
        }
        if let result = fast ?? nil { return result }
        return Array(a.utf8).withUnsafeBufferPointer { pa in
            Array(b.utf8).withUnsafeBufferPointer { pb in compare(pa, pb) }
        }
    }

    package static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Hashes the bytes plus the length, so that consecutive fields cannot run into each other.
    package static func hash(_ s: String, into hasher: inout Hasher) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in s.utf8 { hasher.combine(byte) }
        }
        hasher.combine(s.utf8.count)
    }

    package static func hash(_ s: String?, into hasher: inout Hasher) {
        if let s {
            hasher.combine(true)
            hash(s, into: &hasher)
        } else {
            hasher.combine(false)
        }
    }
}
