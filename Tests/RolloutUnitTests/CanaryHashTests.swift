import Rollout
import Testing

@Suite("The canary's stable hash")
struct CanaryHashTests {
    @Test("FNV-1a 64 matches the published test vectors")
    func fnvVectors() {
        #expect(CanaryHash.fnv1a64("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(CanaryHash.fnv1a64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
    }

    // Computed once by the definition (FNV-1a 64 of the UTF-8 bytes, modulo 100); a change here
    // would silently move keys between paths on every running bridge.
    @Test("known contact ids keep their buckets", arguments: [
        ("c-000000", 49), ("c-000001", 38), ("c-000042", 99), ("c-ünïcode-7", 91), ("", 37), ("a", 96),
    ])
    func knownBuckets(id: String, bucket: Int) {
        #expect(CanaryHash.bucket(of: id) == bucket)
        #expect(CanaryHash.bucket(ofKey: Array(id.utf8)) == bucket)
    }

    @Test("canary P serves roughly P% of 10,000 ids from the stream path", arguments: [1, 10, 25, 50, 90])
    func share(percent: Int) {
        let position = RolloutPosition.canary(percent)
        let ids = (0..<10_000).map { "c-" + String(repeating: "0", count: 6 - String($0).count) + String($0) }
        let stream = ids.filter { position.owner(of: $0) == .stream }.count
        // The binomial standard deviation is at most 50 ids; 200 is four of them.
        #expect(abs(stream - percent * 100) <= 200, "\(stream) of 10000 at \(percent)%")
    }

    @Test("growing the canary only adds keys; shadow and cutover ignore the hash")
    func nested() {
        let ids = (0..<2000).map { "contact-\($0)" }
        for id in ids {
            let owners = stride(from: 0, through: 100, by: 5).map { RolloutPosition.canary($0).owner(of: id) }
            if let first = owners.firstIndex(of: .stream) { #expect(owners[first...].allSatisfy { $0 == .stream }) }
            #expect(RolloutPosition.shadow.owner(of: id) == .legacy)
            #expect(RolloutPosition.cutover.owner(of: id) == .stream)
            #expect(RolloutPosition.canary(0).owner(of: id) == .legacy)
            #expect(RolloutPosition.canary(100).owner(of: id) == .stream)
        }
    }
}
