import Foundation
import Synchronization

/// Loopback ports for the servers a test starts (a bridge's HTTP endpoint, a private broker,
/// PostgreSQL, Redis or Prometheus).
///
/// Drawn below Linux' ephemeral range (32768-60999 by default): the suite opens thousands of
/// outgoing connections, each on an ephemeral port, and a port picked at random inside that
/// range was sometimes taken by one of them before the server bound it ("Address already in
/// use"). Below it, only the suite's own servers bind, and a port is handed out once per run
/// and only when it can be bound at that moment.
package enum LoopbackPort {
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port no other test of this run has been given and nothing listens on now. Ports from
    /// 20000 to 22767 only, so that a Redis Cluster node's bus port (its port + 10000) stays
    /// below the ephemeral range too.
    package static func reserve() -> Int {
        while true {
            let port = Int.random(in: 20_000...22_767)
            let fresh = handedOut.withLock { $0.insert(port).inserted }
            if fresh, canBind(port), canBind(port + 10_000) { return port }
        }
    }

    private static func canBind(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
