/// The stable hash that picks the canary's keys: FNV-1a 64 over the contact_id's UTF-8 bytes,
/// modulo 100.
///
/// It must give every process on every machine the same bucket for a key, forever: the router
/// instances, the CLI and any downstream that wants to predict the owner of a key all apply it
/// independently. Swift's `Hasher` is seeded per process, so it cannot be used; FNV-1a is
/// byte-defined, trivial to re-implement in any language and spreads short ids well enough.
/// Because a key is in the canary when its bucket is below P, raising P only adds keys: a key
/// never leaves the stream path while the canary grows.
package enum CanaryHash {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a 64: for each byte, xor it in, then multiply by the prime (wrapping).
    package static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= prime
        }
        return hash
    }

    /// The key's bucket in 0..<100.
    package static func bucket(ofKey key: some Sequence<UInt8>) -> Int {
        Int(fnv1a64(key) % 100)
    }

    package static func bucket(of contactId: String) -> Int {
        bucket(ofKey: contactId.utf8)
    }
}
