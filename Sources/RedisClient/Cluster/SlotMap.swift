/// Which master serves each hash slot, as a node's `CLUSTER SLOTS` reply says, and the
/// replicas it lists (more nodes to ask for the map when masters fail).
struct SlotMap: Sendable {
    /// Per slot, an index into `masters`; nil for a slot no node serves.
    private var owners: [Int?]
    private(set) var masters: [RedisEndpoint] = []
    private(set) var replicas: [RedisEndpoint] = []

    /// No slot served: the state before the first map is read.
    init() {
        owners = Array(repeating: nil, count: RedisHashSlot.count)
    }

    /// Reads `CLUSTER SLOTS`: `[[start, end, [host, port, id, ...], [replica host, port, ...], ...], ...]`.
    /// A node announced with an empty host is the node that answered (`asked`), as the
    /// command's documentation says; one announced as `?` has no known address and is skipped.
    init(clusterSlots reply: RedisReply, asked: RedisEndpoint) throws {
        self.init()
        guard let ranges = reply.array else { throw RedisServerError(message: "unexpected CLUSTER SLOTS reply \(reply)") }
        for range in ranges {
            guard let parts = range.array, parts.count >= 3,
                  let start = parts[0].int, let end = parts[1].int, 0 <= start, start <= end, end < RedisHashSlot.count,
                  let master = Self.endpoint(parts[2], asked: asked) else {
                throw RedisServerError(message: "unexpected CLUSTER SLOTS entry \(range)")
            }
            let index: Int
            if let known = masters.firstIndex(of: master) {
                index = known
            } else {
                index = masters.count
                masters.append(master)
            }
            for slot in Int(start)...Int(end) { owners[slot] = index }
            for replica in parts.dropFirst(3).compactMap({ Self.endpoint($0, asked: asked) }) where !replicas.contains(replica) {
                replicas.append(replica)
            }
        }
    }

    func master(of slot: Int) -> RedisEndpoint? {
        owners[slot].map { masters[$0] }
    }

    /// Where a request without keys goes: the master of the lowest slot served.
    var anyMaster: RedisEndpoint? {
        owners.lazy.compactMap { $0 }.first.map { masters[$0] }
    }

    /// How many slots some master serves (16384 on a healthy cluster).
    var servedSlots: Int { owners.lazy.filter { $0 != nil }.count }

    private static func endpoint(_ node: RedisReply, asked: RedisEndpoint) -> RedisEndpoint? {
        guard let fields = node.array, fields.count >= 2, let host = fields[0].string, let port = fields[1].int else { return nil }
        if host == "?" { return nil }
        return host.isEmpty ? asked : RedisEndpoint(host: host, port: Int(port))
    }
}
