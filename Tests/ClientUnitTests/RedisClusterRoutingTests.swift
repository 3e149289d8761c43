@testable import RedisClient
import Testing

/// The cluster client's decisions without a server: which slot a key is in, which arguments
/// are keys, how a `CLUSTER SLOTS` reply is read, and how one `execute` is routed, reassembled
/// and redirected round by round. The same paths against the real cluster are in
/// RedisClusterTests.
@Suite struct RedisClusterRoutingTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    func command(_ args: String...) -> RedisRequest { .command(args) }

    @Test func hashSlotsFollowTheClusterSpecification() {
        // CRC-16/XMODEM's check value, and slots that CLUSTER KEYSLOT gives for these keys.
        #expect(RedisHashSlot.crc16(bytes("123456789")) == 0x31C3)
        #expect(RedisHashSlot.of(key: bytes("foo")) == 12182)
        #expect(RedisHashSlot.of(key: bytes("{user1000}.following")) == 3443)
        #expect(RedisHashSlot.of(key: bytes("{user1000}.followers")) == 3443)
        // Only the first {...} counts, and only when it is not empty.
        #expect(RedisHashSlot.of(key: bytes("foo{bar}{zap}")) == RedisHashSlot.of(key: bytes("bar")))
        #expect(RedisHashSlot.of(key: bytes("foo{{bar}}zap")) == RedisHashSlot.of(key: bytes("{bar")))
        #expect(RedisHashSlot.of(key: bytes("foo{}{bar}")) != RedisHashSlot.of(key: bytes("bar")))
        #expect(RedisHashSlot.of(key: [UInt8]()) == 0)
        #expect(RedisHashSlot.of(key: bytes("c:{c-000123}:s")) == RedisHashSlot.of(key: bytes("c-000123")))
    }

    @Test func commandKeysAreFoundByCommandName() {
        func keys(_ args: String...) -> [String] {
            RedisCommandKeys.keys(of: args.map { Array($0.utf8) }).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(keys("HSET", "h", "f", "v") == ["h"])
        #expect(keys("hmget", "h", "a", "b") == ["h"], "names in any case")
        #expect(keys("PING").isEmpty && keys("INFO", "cluster").isEmpty && keys("SCAN", "0", "MATCH", "x*").isEmpty)
        #expect(keys("DEL", "a", "b", "c") == ["a", "b", "c"])
        #expect(keys("MSET", "a", "1", "b", "2") == ["a", "b"])
        #expect(keys("RENAME", "a", "b") == ["a", "b"] && keys("SMOVE", "a", "b", "member") == ["a", "b"])
        #expect(keys("BLPOP", "a", "b", "5") == ["a", "b"])
        #expect(keys("EVAL", "return 1", "2", "k1", "k2", "arg") == ["k1", "k2"])
        #expect(keys("EVALSHA", "abc", "0", "arg").isEmpty)
        #expect(keys("ZUNIONSTORE", "dest", "2", "a", "b", "WEIGHTS", "1", "2") == ["dest", "a", "b"])
        #expect(keys("OBJECT", "ENCODING", "k") == ["k"] && keys("MEMORY", "STATS").isEmpty)
        #expect(keys("BITOP", "AND", "dest", "a", "b") == ["dest", "a", "b"])
    }

    @Test func aRequestMustStayInOneSlot() throws {
        #expect(try command("GET", "k").slot(address: "a") == RedisHashSlot.of(key: bytes("k")))
        #expect(try command("PING").slot(address: "a") == nil)
        #expect(try command("MGET", "{t}1", "{t}2").slot(address: "a") == RedisHashSlot.of(key: bytes("t")))
        let transaction = RedisRequest.transaction([["HSET", "{t}h", "f", "1"], ["SADD", "{t}s", "x"]].map { $0.map { Array($0.utf8) } })
        #expect(try transaction.slot(address: "a") == RedisHashSlot.of(key: bytes("t")))

        let spanning = #expect(throws: RedisClusterError.self) { try command("MGET", "{a}1", "{b}2").slot(address: "127.0.0.1:17000") }
        let slots = [RedisHashSlot.of(key: bytes("a")), RedisHashSlot.of(key: bytes("b"))].sorted()
        #expect(spanning?.reason == .crossSlot(command: "MGET", slots: slots))
        #expect(spanning?.description.contains("127.0.0.1:17000") == true && spanning?.description.contains("{a}") == false,
                "names the address and the slots, never the keys: \(String(describing: spanning))")
        let script = RedisScript(source: "return 1")
        #expect(throws: RedisClusterError.self) { try RedisRequest.script(script, keys: [bytes("{a}"), bytes("{b}")], args: []).slot(address: "a") }
        let mixed = RedisRequest.transaction([["SET", "{a}x", "1"], ["SET", "{b}y", "2"]].map { $0.map { Array($0.utf8) } })
        #expect(throws: RedisClusterError.self) { try mixed.slot(address: "a") }
    }

    static let a = RedisEndpoint(host: "10.0.0.1", port: 7000)
    static let b = RedisEndpoint(host: "10.0.0.2", port: 7001)
    static let c = RedisEndpoint(host: "10.0.0.3", port: 7002)

    /// `CLUSTER SLOTS` of a three-master cluster: a, b (announced with an empty host: the node
    /// that answered, here b), c; each with a replica, one of them of unknown address.
    static func slotsReply() -> RedisReply {
        func node(_ host: String, _ port: Int) -> RedisReply {
            .array([.bulk(Array(host.utf8)), .integer(Int64(port)), .bulk(Array("id-\(port)".utf8)), .array([])])
        }
        return .array([
            .array([.integer(0), .integer(5460), node("10.0.0.1", 7000), node("10.0.0.4", 7003)]),
            .array([.integer(5461), .integer(10922), node("", 7001), node("?", 7004)]),
            .array([.integer(10923), .integer(16383), node("10.0.0.3", 7002), node("10.0.0.6", 7005)]),
        ])
    }

    @Test func theSlotMapIsReadFromClusterSlots() throws {
        let map = try SlotMap(clusterSlots: Self.slotsReply(), asked: Self.b)
        #expect(map.masters == [Self.a, Self.b, Self.c])
        #expect(map.replicas == [RedisEndpoint(host: "10.0.0.4", port: 7003), RedisEndpoint(host: "10.0.0.6", port: 7005)])
        #expect(map.master(of: 0) == Self.a && map.master(of: 5460) == Self.a)
        #expect(map.master(of: 5461) == Self.b && map.master(of: 16383) == Self.c)
        #expect(map.servedSlots == 16384 && map.anyMaster == Self.a)
        #expect(throws: RedisServerError.self) { try SlotMap(clusterSlots: .array([.array([.integer(5), .integer(1)])]), asked: Self.a) }
        #expect(SlotMap().anyMaster == nil && SlotMap().servedSlots == 0)
    }

    @Test func redirectionsAreReadFromErrorReplies() {
        let moved = Redirection(.error("MOVED 3999 127.0.0.1:6381"), from: Self.a)
        #expect(moved?.kind == .moved && moved?.slot == 3999 && moved?.target == RedisEndpoint(host: "127.0.0.1", port: 6381))
        let ask = Redirection(.error("ASK 12 [::1]:7002"), from: Self.a)
        #expect(ask?.kind == .ask && ask?.slot == 12 && ask?.target == RedisEndpoint(host: "::1", port: 7002))
        #expect(Redirection(.error("MOVED 7 :7001"), from: Self.a)?.target == RedisEndpoint(host: "10.0.0.1", port: 7001),
                "an empty host is the host of the node that answered")
        #expect(Redirection(.error("ERR unknown command"), from: Self.a) == nil)
        #expect(Redirection(.error("CLUSTERDOWN The cluster is down"), from: Self.a) == nil)
        #expect(Redirection(.bulk(Array("MOVED 1 h:1".utf8)), from: Self.a) == nil, "only error replies redirect")
    }

    /// One execute over three nodes: a batch per node, each reply back where its request was.
    @Test func requestsAreRoutedPerNodeAndRepliesReassembledInOrder() throws {
        let map = try SlotMap(clusterSlots: Self.slotsReply(), asked: Self.b)
        let keys = (0..<30).map { "key-\($0)" }
        var execution = try ClusterExecution(keys.map { command("GET", $0) } + [command("PING")], map: map, address: "seeds")
        let roundBatches = execution.nextRound()
        let round = try #require(roundBatches)
        #expect(Set(round.map(\.endpoint)) == [Self.a, Self.b, Self.c])
        for batch in round {
            // Each node answers with the key it was asked for, so misplaced replies would show.
            let replies = batch.requests.map { request -> RedisReply in
                guard case .command(let args) = request else { return .null }
                let key = args.count > 1 ? String(decoding: args[1], as: UTF8.self) : "PONG"
                if key != "PONG" { #expect(map.master(of: RedisHashSlot.of(key: args[1])) == batch.endpoint, "\(key) sent to its slot's master") }
                return .bulk(Array(key.utf8))
            }
            execution.received(replies, from: batch.endpoint)
        }
        #expect(execution.nextRound() == nil)
        #expect(execution.result == keys.map { .bulk(Array($0.utf8)) } + [.bulk(Array("PONG".utf8))])
        #expect(execution.moved == 0 && execution.asked == 0)
    }

    /// MOVED: sent again to the node named, map marked stale (counted); ASK: ASKING first, and
    /// only that request; replies still in request order.
    @Test func movedAndAskSendTheRequestAgainWhereTheNodeSays() throws {
        let map = try SlotMap(clusterSlots: Self.slotsReply(), asked: Self.b)
        // Three keys that the map puts on a.
        let onA = (0..<1000).map { "k\($0)" }.filter { map.master(of: RedisHashSlot.of(key: Array($0.utf8))) == Self.a }.prefix(3)
        let requests = onA.map { command("GET", $0) }
        var execution = try ClusterExecution(Array(requests), map: map, address: "seeds")

        let firstBatches = execution.nextRound()
        let first = try #require(firstBatches)
        #expect(first.count == 1 && first[0].endpoint == Self.a && first[0].requests.count == 3)
        execution.received([.error("MOVED 1 10.0.0.2:7001"), .bulk(Array("v1".utf8)), .error("ASK 1 10.0.0.3:7002")], from: Self.a)

        let secondBatches = execution.nextRound()
        let second = try #require(secondBatches)
        #expect(second.count == 2)
        let toB = try #require(second.first { $0.endpoint == Self.b })
        let toC = try #require(second.first { $0.endpoint == Self.c })
        #expect(toB.requests.count == 1)
        guard toC.requests.count == 2, case .command(let asking) = toC.requests[0] else {
            Issue.record("ASK must send ASKING and the request: \(toC.requests)")
            return
        }
        #expect(asking == [Array("ASKING".utf8)])
        execution.received([.bulk(Array("v0".utf8))], from: Self.b)
        execution.received([.status("OK"), .bulk(Array("v2".utf8))], from: Self.c)
        #expect(execution.nextRound() == nil)
        #expect(execution.result == ["v0", "v1", "v2"].map { .bulk(Array($0.utf8)) })
        #expect(execution.moved == 1 && execution.asked == 1)
    }

    /// A slot that keeps moving: after `maxRounds` the redirection is the reply, a transient
    /// error for the caller to retry, rather than a loop.
    @Test func redirectionsStopAfterTheLastRound() throws {
        let map = try SlotMap(clusterSlots: Self.slotsReply(), asked: Self.b)
        var execution = try ClusterExecution([command("GET", "foo")], map: map, address: "seeds")
        var rounds = 0
        while let round = execution.nextRound() {
            rounds += 1
            let target = rounds % 2 == 0 ? "10.0.0.1:7000" : "10.0.0.2:7001"
            execution.received([.error("MOVED 12182 \(target)")], from: round[0].endpoint)
        }
        #expect(rounds == ClusterExecution.maxRounds)
        #expect(throws: RedisServerError.self) { try execution.result[0].check() }
        #expect((try? execution.result[0].check()) == nil && RedisServerError(message: "MOVED 12182 x:1").isTransient)
    }
}
