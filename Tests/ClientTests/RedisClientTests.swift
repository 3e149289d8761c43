import Foundation
import RedisClient
import Testing

@Suite struct RedisClientTests {
    let url = ProcessInfo.processInfo.environment["BRIDGE_REDIS_URL"] ?? "redis://127.0.0.1:16379/0"
    let prefix = "t\(UInt32.random(in: 0...UInt32.max)):"

    @Test func tenThousandCommandPipelineInOneRoundTrip() async throws {
        let client = try await RedisClient(configuration: try RedisConfiguration(url: url))
        defer { client.close() }
        let key = Array((prefix + "pipeline").utf8)
        let commands: [[[UInt8]]] = (0..<10_000).map { i in [Array("RPUSH".utf8), key, Array("item-\(i)".utf8)] }
        let replies = try await client.pipeline(commands)
        #expect(replies.count == 10_000)
        #expect(replies.last == .integer(10_000))
        let length = try await client.command(["LLEN", prefix + "pipeline"])
        #expect(length == .integer(10_000))
        _ = try await client.command(["DEL", prefix + "pipeline"])
    }

    @Test func closeEndsTheConnectionAndReleasesTheClient() async throws {
        let observer = try await RedisClient(configuration: try RedisConfiguration(url: url))
        defer { observer.close() }
        weak var released: RedisClient?
        var ids: [Int64] = []
        for _ in 0..<20 {
            let client = try await RedisClient(configuration: try RedisConfiguration(url: url))
            ids.append(try #require(try await client.command(["CLIENT", "ID"]).int))
            client.close()
            released = client
        }
        #expect(released == nil, "a closed client is still referenced")
        var open: [Int64] = []
        for _ in 0..<200 {
            let list = try #require(try await observer.command(["CLIENT", "LIST"]).string)
            open = ids.filter { list.contains("id=\($0) ") }
            if open.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(open.isEmpty, "closed connections still open: \(open)")
    }

    /// Commands, script calls (loaded on first use and again when the server forgot them) and transactions
    /// in one pipeline, each reply where its request was.
    @Test func executeMixesCommandsScriptsAndTransactions() async throws {
        let client = try await RedisClient(configuration: try RedisConfiguration(url: url))
        defer { client.close() }
        let key = prefix + "{exec}:h"
        let script = RedisScript(source: "return redis.call('HINCRBY', KEYS[1], 'n', ARGV[1])")
        let requests: [RedisRequest] = [
            .command(["HSET", key, "n", "1"]),
            .script(script, keys: [Array(key.utf8)], args: [Array("10".utf8)]),
            .transaction([["HINCRBY", key, "n", "100"].map { Array($0.utf8) }, ["HGET", key, "n"].map { Array($0.utf8) }]),
            .transaction([["HINCRBY", key, "n"].map { Array($0.utf8) }]),
        ]
        let replies = try await client.execute(requests)
        #expect(replies.count == 4)
        #expect(replies[0] == .integer(1))
        #expect(replies[1] == .integer(11))
        #expect(replies[2] == .array([.integer(111), .bulk(Array("111".utf8))]))
        guard case .error(let refused) = replies[3] else { Issue.record("a wrong-arity command must abort its transaction: \(replies[3])"); return }
        #expect(refused.hasPrefix("EXECABORT"))

        // Forgotten by the server (a restart, or SCRIPT FLUSH): loaded again and run once.
        _ = try await client.command(["SCRIPT", "FLUSH"])
        #expect(try await client.execute([.script(script, keys: [Array(key.utf8)], args: [Array("1".utf8)])]) == [.integer(112)])
        _ = try await client.command(["DEL", key])
    }

    @Test func binarySafeArguments() async throws {
        let client = try await RedisClient(configuration: try RedisConfiguration(url: url))
        defer { client.close() }
        let value: [UInt8] = [0, 1, 2, 0, 255, 13, 10, 0]
        let key = Array((prefix + "bin\u{0}key").utf8)
        _ = try await client.pipeline([[Array("SET".utf8), key, value]])
        let reply = try await client.pipeline([[Array("GET".utf8), key]])
        #expect(reply == [.bulk(value)])
        _ = try await client.pipeline([[Array("SET".utf8), key, []]])
        #expect(try await client.pipeline([[Array("GET".utf8), key]]) == [.bulk([])], "empty is not null")
        #expect(try await client.command(["GET", prefix + "missing"]) == .null)
        _ = try await client.pipeline([[Array("DEL".utf8), key]])
    }

    @Test func aScriptRunsWithNoOtherCommandInBetween() async throws {
        let scriptClient = try await RedisClient(configuration: try RedisConfiguration(url: url), name: "redis-script")
        let other = try await RedisClient(configuration: try RedisConfiguration(url: url), name: "redis-other")
        defer { scriptClient.close(); other.close() }
        let key = Array((prefix + "atomic").utf8)
        // Two INCRs separated by busy work: if anything ran in between, the difference exceeds 1.
        let script = RedisScript(source: """
            local a = redis.call('INCR', KEYS[1])
            local x = 0
            for i = 1, 3000000 do x = x + i end
            local b = redis.call('INCR', KEYS[1])
            return b - a
            """)
        async let concurrent: Void = {
            for _ in 0..<200 { _ = try await other.pipeline([[Array("INCR".utf8), key]]) }
        }()
        var differences: [RedisReply] = []
        for _ in 0..<5 {
            differences.append(try await scriptClient.withConnection { try $0.evaluate(script, keys: [key], args: []) })
        }
        try await concurrent
        #expect(differences.allSatisfy { $0 == .integer(1) })
        #expect(try await other.pipeline([[Array("GET".utf8), key]]) == [.bulk(Array("210".utf8))])
        _ = try await other.pipeline([[Array("DEL".utf8), key]])
    }

    @Test func evalshaLoadsTheScriptAfterTheServerForgotIt() async throws {
        let client = try await RedisClient(configuration: try RedisConfiguration(url: url))
        defer { client.close() }
        let script = RedisScript(source: "return ARGV[1] .. '-\(prefix)'")
        let first = try await client.withConnection { try $0.evaluate(script, keys: [], args: [Array("a".utf8)]) }
        #expect(first.string == "a-\(prefix)")
        // Another client flushes the script cache (as a restart would); the next call reloads.
        _ = try await client.command(["SCRIPT", "FLUSH"])
        let second = try await client.withConnection { try $0.evaluate(script, keys: [], args: [Array("b".utf8)]) }
        #expect(second.string == "b-\(prefix)")
    }

    @Test func reconnectsAfterTheServerKillsTheConnection() async throws {
        let client = try await RedisClient(configuration: try RedisConfiguration(url: url), name: "redis-victim")
        let killer = try await RedisClient(configuration: try RedisConfiguration(url: url), name: "redis-killer")
        defer { client.close(); killer.close() }
        let id = try #require(try await client.command(["CLIENT", "ID"]).int)
        #expect(try await killer.command(["CLIENT", "KILL", "ID", String(id)]) == .integer(1))
        // The first command after the kill may fail (the socket is dead); the client then reconnects.
        var reply = try? await client.command(["PING"])
        if reply == nil { reply = try await client.command(["PING"]) }
        #expect(reply == .status("PONG"))
        let newId = try #require(try await client.command(["CLIENT", "ID"]).int)
        #expect(newId != id)
    }

    @Test func serverErrorsAreTypedAndLeaveTheConnectionUsable() async throws {
        let client = try await RedisClient(configuration: try RedisConfiguration(url: url))
        defer { client.close() }
        let reply = try await client.command(["NOSUCHCOMMAND"])
        #expect(throws: RedisServerError.self) { try reply.check() }
        #expect(try await client.command(["PING"]) == .status("PONG"))
    }

    @Test func unreachableRedisNamesItsAddress() async throws {
        let start = ContinuousClock.now
        let error = await #expect(throws: (any Error).self) {
            _ = try await RedisClient(configuration: try RedisConfiguration(url: "redis://:secret@127.0.0.1:16999/0"))
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        let text = "\(error!)"
        #expect(text.contains("redis") && text.contains("127.0.0.1:16999"))
        #expect(!text.contains("secret"))
    }
}
