/// One `execute` on a cluster, as explicit state: the replies so far, and which requests go to
/// which node in the next round. No I/O: `RedisCluster` sends each round, all nodes at once,
/// and feeds the replies back until there is no next round.
///
/// The first round routes each request by the slot of its keys in the slot map. A reply MOVED
/// or ASK sends that request again in the next round, to the node it names (after ASKING, for
/// ASK). Sending it again is safe: a node that redirects a request did not run it. After
/// `maxRounds` a redirection is the request's reply (a transient error: the cluster keeps
/// moving the slot).
///
/// Requests to one node keep their order (one pipeline per node and round); requests to
/// different nodes run concurrently, which is why one request's keys must stay in one slot.
struct ClusterExecution {
    static let maxRounds = 5

    /// Requests with their request indices, to one node, in one round.
    struct NodeBatch: Sendable {
        let endpoint: RedisEndpoint
        /// As sent: each request preceded by ASKING where an ASK redirection asks for it.
        let requests: [RedisRequest]
    }

    private struct Outgoing {
        var index: Int
        var asking: Bool
    }

    private let requests: [RedisRequest]
    private var replies: [RedisReply?]
    private var next: [RedisEndpoint: [Outgoing]] = [:]
    /// The round sent and not answered yet, per node.
    private var inFlight: [RedisEndpoint: [Outgoing]] = [:]
    private var round = 0
    private(set) var moved = 0
    private(set) var asked = 0

    /// Routes every request by the map; throws when a request's keys span slots (nothing is
    /// sent then) or when the map knows no master at all.
    init(_ requests: [RedisRequest], map: SlotMap, address: String) throws {
        self.requests = requests
        replies = Array(repeating: nil, count: requests.count)
        for (index, request) in requests.enumerated() {
            // A slot that no master serves goes anywhere: the server then says where it is
            // (MOVED) or that the cluster is down (CLUSTERDOWN), which is the truth.
            guard let node = try request.slot(address: address).flatMap(map.master(of:)) ?? map.anyMaster else {
                throw RedisClusterError(address: address, reason: .noSlotMap(detail: "the slot map has no master"))
            }
            next[node, default: []].append(Outgoing(index: index, asking: false))
        }
    }

    /// The next round's batches, one per node; nil when every request has its reply.
    mutating func nextRound() -> [NodeBatch]? {
        precondition(inFlight.isEmpty, "a round is still in flight")
        if next.isEmpty { return nil }
        round += 1
        // Redirected requests arrive from several nodes: back into request order.
        inFlight = next.mapValues { $0.sorted { $0.index < $1.index } }
        next = [:]
        return inFlight.map { endpoint, outgoing in
            NodeBatch(endpoint: endpoint, requests: outgoing.flatMap { $0.asking ? [.command(["ASKING"]), requests[$0.index]] : [requests[$0.index]] })
        }
    }

    /// One node's replies to its batch of the current round, in the order sent.
    mutating func received(_ nodeReplies: [RedisReply], from endpoint: RedisEndpoint) {
        guard let outgoing = inFlight.removeValue(forKey: endpoint) else { preconditionFailure("no batch in flight to \(endpoint)") }
        var position = 0
        for request in outgoing {
            // ASKING's own reply (+OK) is not the request's.
            if request.asking { position += 1 }
            let reply = nodeReplies[position]
            position += 1
            if round < Self.maxRounds, let redirection = Redirection(reply, from: endpoint) {
                switch redirection.kind {
                case .moved: moved += 1
                case .ask: asked += 1
                }
                next[redirection.target, default: []].append(Outgoing(index: request.index, asking: redirection.kind == .ask))
            } else {
                replies[request.index] = reply
            }
        }
        precondition(position == nodeReplies.count, "\(endpoint) answered \(nodeReplies.count) replies to \(position) requests")
    }

    /// Every reply in request order, once `nextRound()` has returned nil.
    var result: [RedisReply] {
        replies.map { reply in
            guard let reply else { preconditionFailure("execution read before its last round") }
            return reply
        }
    }
}
