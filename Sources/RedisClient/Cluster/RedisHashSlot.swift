/// The hash slot of a key on a Redis Cluster: CRC16 (XMODEM) of the key's hash tag, mod 16384.
///
/// The hash tag is what lies between the first `{` and the first `}` after it, when that is not
/// empty; otherwise the whole key. Keys that share a tag share a slot, so one request (a
/// script, a transaction) can touch all of them atomically on one node.
package enum RedisHashSlot {
    package static let count = 16384

    package static func of(key: some Collection<UInt8>) -> Int {
        Int(crc16(hashTag(of: key)) % UInt16(count))
    }

    static func hashTag<Key: Collection<UInt8>>(of key: Key) -> Key.SubSequence {
        if let open = key.firstIndex(of: UInt8(ascii: "{")) {
            let afterOpen = key.index(after: open)
            if let close = key[afterOpen...].firstIndex(of: UInt8(ascii: "}")), close != afterOpen {
                return key[afterOpen..<close]
            }
        }
        return key[...]
    }

    /// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection (the cluster
    /// specification's appendix gives it as a table; this is the same function bit by bit
    /// through a table built once).
    static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int((crc >> 8) ^ UInt16(byte))]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }
}
