/// The compact binary form of what the stream path keeps in Redis (rows, partials, outbox
/// entries): unsigned LEB128 varints, zig-zag for signed values, strings as a varint byte length
/// and their UTF-8 bytes. Compact because every byte is held in Redis' memory and written to
/// its append-only file once per change.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func count(_ value: Int64) { varint(UInt64(bitPattern: value)) }

    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func raw(_ other: some Collection<UInt8>) { bytes.append(contentsOf: other) }
}

/// Reads what `ByteWriter` wrote; every read fails with `nil` past the end or on a malformed
/// varint, so corrupt state is reported, never trapped on.
struct ByteReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    mutating func byte() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let b = bytes[index]
            index += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    mutating func count() -> Int64? { varint().map { Int64(bitPattern: $0) } }

    mutating func signed() -> Int64? {
        varint().map { Int64(bitPattern: ($0 >> 1) ^ (0 &- ($0 & 1))) }
    }

    mutating func string() -> String? {
        guard let n = varint(), n <= UInt64(bytes.count - index) else { return nil }
        defer { index += Int(n) }
        return String(decoding: bytes[index..<(index + Int(n))], as: UTF8.self)
    }
}
