import ServiceSupport

/// What a Redis Cluster, or the way it is used, does not allow. One line, naming the address;
/// never a key's content (keys hold contact ids), never a password.
package struct RedisClusterError: ServiceError, Equatable {
    package enum Reason: Sendable, Equatable {
        /// `BRIDGE_REDIS_URL` asks for this database, but a cluster has database 0 only.
        case databaseOnCluster(Int)
        /// Several seeds were given, but the server that answered is not a cluster node.
        case seedsOfNoCluster
        /// One request's keys lie in several hash slots; a cluster runs a request on one node,
        /// so it would have to be split, which would break its atomicity. Give the keys a
        /// common hash tag (`{...}`).
        case crossSlot(command: String, slots: [Int])
        /// An operation that holds one connection (`withConnection`) has no meaning on a
        /// cluster, where keys live on several nodes.
        case singleNodeOnly(operation: String)
        /// No node answered `CLUSTER SLOTS` (all down, or the network between): transient.
        case noSlotMap(detail: String)
    }

    /// The seed list, or the node concerned.
    package var address: String
    package var reason: Reason

    package init(address: String, reason: Reason) {
        self.address = address
        self.reason = reason
    }

    package var isTransient: Bool {
        if case .noSlotMap = reason { true } else { false }
    }

    package var description: String {
        switch reason {
        case .databaseOnCluster(let database):
            "redis at \(address): database \(database) requested, but a Redis Cluster has database 0 only (drop /\(database) from BRIDGE_REDIS_URL)"
        case .seedsOfNoCluster:
            "redis at \(address): several seed nodes given, but the server is not a Redis Cluster node (cluster_enabled:0); give one address"
        case .crossSlot(let command, let slots):
            "redis at \(address): \(command) refused: its keys lie in hash slots \(slots.map(String.init).joined(separator: ", ")), and a request on a cluster must stay in one slot (give its keys a common hash tag)"
        case .singleNodeOnly(let operation):
            "redis at \(address): \(operation) needs a single Redis server; on a cluster use execute, pipeline or command, which route by key"
        case .noSlotMap(let detail):
            "redis at \(address): no cluster node answered CLUSTER SLOTS: \(detail)"
        }
    }
}
