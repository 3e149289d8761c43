import ServiceSupport

/// Reads the slot map from the first node that answers `CLUSTER SLOTS`, keeping that connection
/// for the next read. Lives on a thread of its own (the cluster's topology thread), so reading
/// the map never waits behind a node's requests, and a dead node only costs a refused connect.
final class SlotMapReader {
    private let configuration: RedisConfiguration
    private var connection: RedisConnection?

    /// `configuration` should not retry connects: the next candidate is the better retry.
    init(configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    /// Asks the node it is connected to, then each candidate in turn.
    func read(candidates: [RedisEndpoint]) throws -> SlotMap {
        var failures: [String] = []
        var tried: Set<RedisEndpoint> = []
        if let connection {
            tried.insert(connection.endpoint)
            do { return try Self.read(from: connection) } catch {
                failures.append("\(connection.endpoint): \(error)")
                close()
            }
        }
        for endpoint in candidates where tried.insert(endpoint).inserted {
            do {
                let candidate = try RedisConnection(configuration: configuration, endpoint: endpoint)
                let map = try Self.read(from: candidate)
                connection = candidate
                return map
            } catch let error as ServiceUnavailable {
                failures.append("\(endpoint): \(error.detail)")
            } catch {
                failures.append("\(endpoint): \(error)")
            }
        }
        throw RedisClusterError(address: configuration.address, reason: .noSlotMap(detail: failures.joined(separator: "; ")))
    }

    func close() {
        connection?.close()
        connection = nil
    }

    /// A node that serves no slot at all knows no cluster yet (just created, or reset): its map
    /// would leave every request without a node, so it counts as not answering.
    private static func read(from connection: RedisConnection) throws -> SlotMap {
        let map = try SlotMap(clusterSlots: connection.command(["CLUSTER", "SLOTS"]).check(), asked: connection.endpoint)
        guard map.servedSlots > 0 else { throw RedisServerError(message: "CLUSTERDOWN the node knows no slot yet") }
        return map
    }
}
