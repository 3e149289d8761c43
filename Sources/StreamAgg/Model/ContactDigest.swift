import BridgeModel
import ServiceSupport

/// The contact digest the checksummed comparison compares: the same definition the legacy side
/// computes in SQL (`LegacyDigestSQL`), so a round compares 4,096 bucket sums instead of
/// transferring a million rows.
///
/// A row's digest is the first 40 bits of SHA-1 over a text form of its 13 contract fields:
/// strings as `<byte length>:<bytes>` (null as `-`, so no separator inside a value can make two
/// rows collide), `opted_out` as `1`/`0`, counts in decimal, timestamps as decimal epoch
/// milliseconds (or `-`), joined by `,`. A contact's bucket is the first 12 bits of SHA-1 over
/// its contact_id. A bucket's sum is the sum of its contacts' digests (wrapping at 2^64). SHA-1
/// because both stores have it (PostgreSQL's pgcrypto); it is a checksum, not a defence against
/// an attacker.
package enum ContactDigest {
    package static let bucketCount = 4096

    package static func bucket(of contactId: String) -> Int {
        Int(SHA1.digest(contactId.utf8).0 >> 20)
    }

    package static func digest(of row: ContactSummaryRow) -> UInt64 {
        var text: [UInt8] = []
        text.reserveCapacity(160)
        func part(_ s: String?) {
            guard let s else { text.append(UInt8(ascii: "-")); return }
            number(Int64(s.utf8.count))
            text.append(UInt8(ascii: ":"))
            text.append(contentsOf: s.utf8)
        }
        func number(_ n: Int64) { DecimalText.appendInteger(n, to: &text) }
        func time(_ t: Timestamp?) { if let t { number(t.millis) } else { text.append(UInt8(ascii: "-")) } }
        func comma() { text.append(UInt8(ascii: ",")) }
        part(row.contactId); comma(); part(row.campusId); comma(); part(row.firstName); comma(); part(row.phone); comma()
        text.append(row.optedOut ? UInt8(ascii: "1") : UInt8(ascii: "0")); comma()
        number(row.messagesSent); comma(); number(row.messagesDelivered); comma(); number(row.messagesFailed); comma()
        number(row.replies); comma(); number(row.campaigns); comma()
        time(row.firstEventAt); comma(); time(row.lastSentAt); comma(); time(row.lastReplyAt)
        let (h0, h1, _, _, _) = SHA1.digest(text)
        return UInt64(h0) << 8 | UInt64(h1 >> 24)
    }
}
