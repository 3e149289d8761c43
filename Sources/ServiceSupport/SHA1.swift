/// SHA-1 over bytes, for checksums and identifiers only (Redis names scripts by it; the
/// comparator's row digests use it because both stores have it built in). Not for security.
///
/// Written for short messages on hot paths (a digest per changed row): the state and the
/// 80-word schedule live on the stack and the message is never copied.
package enum SHA1 {
    package static func digest(_ message: UnsafeRawBufferPointer) -> (UInt32, UInt32, UInt32, UInt32, UInt32) {
        var h0: UInt32 = 0x67452301, h1: UInt32 = 0xEFCDAB89, h2: UInt32 = 0x98BADCFE
        var h3: UInt32 = 0x10325476, h4: UInt32 = 0xC3D2E1F0
        let count = message.count
        // The padded message: whole blocks of the input, then one or two final blocks holding the
        // tail, the 0x80 marker and the bit length.
        let whole = count / 64
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            func block(_ bytes: UnsafeRawBufferPointer) {
                for i in 0..<16 {
                    w[i] = UInt32(bytes[i * 4]) << 24 | UInt32(bytes[i * 4 + 1]) << 16
                        | UInt32(bytes[i * 4 + 2]) << 8 | UInt32(bytes[i * 4 + 3])
                }
                for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
                var a = h0, b = h1, c = h2, d = h3, e = h4
                for i in 0..<20 { (a, b, c, d, e) = (rotl(a, 5) &+ ((b & c) | (~b & d)) &+ e &+ 0x5A827999 &+ w[i], a, rotl(b, 30), c, d) }
                for i in 20..<40 { (a, b, c, d, e) = (rotl(a, 5) &+ (b ^ c ^ d) &+ e &+ 0x6ED9EBA1 &+ w[i], a, rotl(b, 30), c, d) }
                for i in 40..<60 { (a, b, c, d, e) = (rotl(a, 5) &+ ((b & c) | (b & d) | (c & d)) &+ e &+ 0x8F1BBCDC &+ w[i], a, rotl(b, 30), c, d) }
                for i in 60..<80 { (a, b, c, d, e) = (rotl(a, 5) &+ (b ^ c ^ d) &+ e &+ 0xCA62C1D6 &+ w[i], a, rotl(b, 30), c, d) }
                h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e
            }
            for i in 0..<whole { block(UnsafeRawBufferPointer(rebasing: message[(i * 64)..<(i * 64 + 64)])) }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                let rest = count - whole * 64
                let tailCount = rest < 56 ? 64 : 128
                for i in 0..<tailCount { tail[i] = 0 }
                for i in 0..<rest { tail[i] = message[whole * 64 + i] }
                tail[rest] = 0x80
                let bits = UInt64(count) &* 8
                for i in 0..<8 { tail[tailCount - 1 - i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
                let raw = UnsafeRawBufferPointer(tail)
                block(UnsafeRawBufferPointer(rebasing: raw[0..<64]))
                if tailCount == 128 { block(UnsafeRawBufferPointer(rebasing: raw[64..<128])) }
            }
        }
        return (h0, h1, h2, h3, h4)
    }

    package static func digest(_ bytes: some Collection<UInt8>) -> (UInt32, UInt32, UInt32, UInt32, UInt32) {
        if let result = bytes.withContiguousStorageIfAvailable({ digest(UnsafeRawBufferPointer($0)) }) { return result }
        return Array(bytes).withUnsafeBytes { digest($0) }
    }

    /// The digest as 40 lower-case hex digits.
    package static func hex(_ bytes: some Collection<UInt8>) -> String {
        let (a, b, c, d, e) = digest(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(40)
        for word in [a, b, c, d, e] {
            for shift in stride(from: 28, through: 0, by: -4) {
                let v = UInt8((word >> UInt32(shift)) & 0xF)
                out.append(v < 10 ? 48 + v : 87 + v)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
