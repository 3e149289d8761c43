/// A cluster node's answer "not here": `MOVED <slot> <host>:<port>` (the slot lives on that
/// node now: update the map) or `ASK <slot> <host>:<port>` (the slot is migrating and this key
/// already moved: ask that node once, after `ASKING`, and keep the map). A node that does not
/// know its peers' host names announces `:<port>`, meaning the host of the node that answered.
struct Redirection {
    enum Kind { case moved, ask }
    var kind: Kind
    var slot: Int
    var target: RedisEndpoint

    init?(_ reply: RedisReply, from asked: RedisEndpoint) {
        guard case .error(let message) = reply else { return nil }
        let parts = message.split(separator: " ")
        guard parts.count == 3, let slot = Int(parts[1]), let colon = parts[2].lastIndex(of: ":"),
              let port = Int(parts[2][parts[2].index(after: colon)...]) else { return nil }
        switch parts[0] {
        case "MOVED": kind = .moved
        case "ASK": kind = .ask
        default: return nil
        }
        self.slot = slot
        var host = parts[2][..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        target = RedisEndpoint(host: host.isEmpty ? asked.host : String(host), port: port)
    }
}
