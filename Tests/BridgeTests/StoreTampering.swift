import Foundation
import RedisClient
import StreamAgg
import Testing

/// Writes `donor`'s stored stream row over `contact`'s, in whichever partition holds it: a row
/// changed in Redis behind the stream engine's back.
func overwriteStreamRow(_ redis: RedisClient, prefix: String, contact: String, with donor: String) async throws {
    func rowsKey(holding id: String) async throws -> (String, [UInt8])? {
        let keyspace = StreamKeyspace(prefix: prefix)
        for p in Int32(0)..<4 {
            let key = keyspace.partition(p).rows
            if case .bulk(let bytes) = try await redis.execute([.command(["HGET", key, id])])[0] { return (key, bytes) }
        }
        return nil
    }
    let donorRow = try #require(try await rowsKey(holding: donor)).1
    let target = try #require(try await rowsKey(holding: contact)).0
    _ = try await redis.execute([.command([Array("HSET".utf8), Array(target.utf8), Array(contact.utf8), donorRow])])[0].check()
}
