import CHiredis
import Foundation
import ServiceSupport

/// One synchronous connection over hiredis to one server. Not thread-safe: use it from one
/// thread at a time (`RedisClient` confines it to a dedicated thread).
///
/// After a connection error hiredis' context is unusable; the next command reconnects first,
/// with bounded exponential back-off, so a Redis restart costs the caller one failed call.
package final class RedisConnection {
    package let configuration: RedisConfiguration
    package let endpoint: RedisEndpoint
    /// What the server said at the last connect: `cluster_enabled:1` in `INFO cluster`.
    package private(set) var isClusterNode = false
    private var context: UnsafeMutablePointer<redisContext>?
    /// Scripts this connection knows the server has loaded (cleared on reconnect: a restarted
    /// server may have lost its script cache).
    private var loadedScripts: Set<String> = []

    /// Connects now, or throws `ServiceUnavailable` naming the address.
    package init(configuration: RedisConfiguration, endpoint: RedisEndpoint) throws {
        self.configuration = configuration
        self.endpoint = endpoint
        try connect()
    }

    /// Connects on first use instead: for a cluster's nodes, created from a thread that must
    /// not block (their connect runs on their own thread, with their first request).
    init(connectingLater configuration: RedisConfiguration, endpoint: RedisEndpoint) {
        self.configuration = configuration
        self.endpoint = endpoint
    }

    deinit { if let context { redisFree(context) } }

    /// Ends the connection now rather than whenever the last reference goes away.
    package func close() {
        if let context { redisFree(context) }
        context = nil
    }

    /// Sends one command and waits for its reply. Server errors come back as `.error`.
    package func command(_ args: [String]) throws -> RedisReply {
        try pipeline([args.map { Array($0.utf8) }])[0]
    }

    /// Sends all commands in one write and reads all replies: one round trip for N commands.
    package func pipeline(_ commands: [[[UInt8]]]) throws -> [RedisReply] {
        if commands.isEmpty { return [] }
        let context = try liveContext()
        // The whole pipeline is encoded once, in RESP, into one buffer that hiredis appends to
        // its output as is: no per-command argv arrays, no per-command formatting copy.
        let encoded = RESP.encode(commands)
        let status = encoded.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                redisAppendFormattedCommand(context, $0, buffer.count)
            }
        }
        if status != REDIS_OK { throw dropContext() }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw dropContext() }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.copy(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    /// EVALSHA, loading the script on NOSCRIPT (first use, or after the server restarted).
    package func evaluate(_ script: RedisScript, keys: [[UInt8]], args: [[UInt8]]) throws -> RedisReply {
        try evaluatePipelined(script, calls: [(keys, args)])[0]
    }

    /// Many EVALSHA calls of one script in a single round trip.
    package func evaluatePipelined(_ script: RedisScript, calls: [(keys: [[UInt8]], args: [[UInt8]])]) throws -> [RedisReply] {
        if !loadedScripts.contains(script.sha1) {
            let loaded = try command(["SCRIPT", "LOAD", script.source]).check()
            guard loaded.string == script.sha1 else {
                throw RedisServerError(message: "SCRIPT LOAD returned \(String(describing: loaded.string)), expected \(script.sha1)")
            }
            loadedScripts.insert(script.sha1)
        }
        let sha = Array(script.sha1.utf8)
        let commands: [[[UInt8]]] = calls.map { call in
            [Array("EVALSHA".utf8), sha, Array(String(call.keys.count).utf8)] + call.keys + call.args
        }
        let replies = try pipeline(commands)
        if replies.contains(where: { if case .error(let m) = $0 { m.hasPrefix("NOSCRIPT") } else { false } }) {
            // The server lost its script cache between our check and the call (a restart):
            // the script never ran for those replies, so running the whole set again is safe
            // only for idempotent scripts; callers' scripts are guarded by their own metadata.
            loadedScripts.remove(script.sha1)
            return try evaluatePipelined(script, calls: calls)
        }
        return replies
    }

    /// Sends all requests in one write and reads all replies (one round trip), loading the
    /// scripts this connection has not loaded yet in the same write. Replies come in request
    /// order; a transaction's reply is `EXEC`'s, except when a cluster node refused to queue
    /// one of its commands because the slot is elsewhere (MOVED, ASK): then it is that
    /// redirection, which says where to send the transaction, where EXEC only says EXECABORT.
    ///
    /// A script that the server forgot between its load and its call (`SCRIPT FLUSH` by someone
    /// else) did not run: it is loaded again and run once more, after the pipeline's other requests.
    package func execute(_ requests: [RedisRequest]) throws -> [RedisReply] {
        var replies = try executeOnce(requests)
        let forgotten = requests.indices.filter {
            if case .script = requests[$0], case .error(let m) = replies[$0], m.hasPrefix("NOSCRIPT") { true } else { false }
        }
        if !forgotten.isEmpty {
            let again = try executeOnce(forgotten.map { requests[$0] })
            for (i, reply) in zip(forgotten, again) { replies[i] = reply }
        }
        return replies
    }

    private func executeOnce(_ requests: [RedisRequest]) throws -> [RedisReply] {
        if requests.isEmpty { return [] }
        var commands: [[[UInt8]]] = []
        commands.reserveCapacity(requests.count + 2)
        var loading: [String: RedisScript] = [:]
        for request in requests {
            if case .script(let script, _, _) = request, !loadedScripts.contains(script.sha1) { loading[script.sha1] = script }
        }
        for script in loading.values { commands.append([Array("SCRIPT".utf8), Array("LOAD".utf8), Array(script.source.utf8)]) }
        // Where each request's own reply sits in the pipeline's replies.
        var replyIndex: [Int] = []
        replyIndex.reserveCapacity(requests.count)
        for request in requests {
            switch request {
            case .command(let args):
                replyIndex.append(commands.count)
                commands.append(args)
            case .script(let script, let keys, let args):
                replyIndex.append(commands.count)
                commands.append([Array("EVALSHA".utf8), Array(script.sha1.utf8), Array(String(keys.count).utf8)] + keys + args)
            case .transaction(let queued):
                commands.append([Array("MULTI".utf8)])
                commands += queued
                replyIndex.append(commands.count)
                commands.append([Array("EXEC".utf8)])
            }
        }
        let replies = try pipeline(commands)
        for (i, sha) in loading.keys.enumerated() {
            let loaded = try replies[i].check()
            guard loaded.string == sha else {
                throw RedisServerError(message: "SCRIPT LOAD returned \(String(describing: loaded.string)), expected \(sha)")
            }
            loadedScripts.insert(sha)
        }
        for (request, index) in zip(requests, replyIndex) {
            if case .script(let script, _, _) = request, case .error(let m) = replies[index], m.hasPrefix("NOSCRIPT") {
                loadedScripts.remove(script.sha1)
            }
        }
        return zip(requests, replyIndex).map { request, index in
            if case .transaction(let queued) = request, case .error = replies[index],
               let redirection = replies[(index - queued.count)..<index].first(where: { Redirection($0, from: endpoint) != nil }) {
                return redirection
            }
            return replies[index]
        }
    }

    // MARK: - Connection management

    private func liveContext() throws -> UnsafeMutablePointer<redisContext> {
        if let context { return context }
        let reconnect = RetryPolicy(firstDelay: .milliseconds(50), maxDelay: .seconds(1),
                                    maxAttempts: configuration.reconnectAttempts + 1)
        try reconnect.runBlocking { try connect() }
        guard let context else { throw RedisConnectionError(address: endpoint.description, detail: "not connected") }
        return context
    }

    /// Connects, authenticates, learns whether the server is a cluster node, and selects the
    /// database. A refusal (wrong password, a database on a cluster) is permanent; the server
    /// unreachable or still loading is transient.
    private func connect() throws {
        let address = endpoint.description
        let seconds = Int(configuration.timeoutSeconds)
        let micros = Int((configuration.timeoutSeconds - Double(seconds)) * 1_000_000)
        let timeout = timeval(tv_sec: seconds, tv_usec: micros)
        guard let c = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), timeout) else {
            throw ServiceUnavailable(service: "redis", address: address, detail: "out of memory creating a context")
        }
        if c.pointee.err != 0 {
            let detail = Self.errorString(c)
            redisFree(c)
            throw ServiceUnavailable(service: "redis", address: address, detail: detail)
        }
        redisSetTimeout(c, timeout)
        redisEnableKeepAlive(c)
        context = c
        loadedScripts = []
        do {
            if let password = configuration.password {
                var auth = ["AUTH"]
                if let user = configuration.username { auth.append(user) }
                auth.append(password)
                try command(auth).check()
            }
            let info = try command(["INFO", "cluster"]).check().string ?? ""
            isClusterNode = info.split(whereSeparator: \.isNewline).contains("cluster_enabled:1")
            if isClusterNode && configuration.database != 0 {
                throw RedisClusterError(address: address, reason: .databaseOnCluster(configuration.database))
            }
            if configuration.database != 0 {
                try command(["SELECT", String(configuration.database)]).check()
            }
        } catch let error as RedisServerError {
            close()
            throw ServiceUnavailable(service: "redis", address: address, detail: error.message, isTransient: error.isTransient)
        } catch {
            close()
            throw error
        }
    }

    /// Frees a context that hiredis marked as failed, returning the error that explains it.
    private func dropContext() -> RedisConnectionError {
        let detail = context.map(Self.errorString) ?? "no context"
        if let context { redisFree(context) }
        context = nil
        return RedisConnectionError(address: endpoint.description, detail: detail)
    }

    private static func errorString(_ c: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: c.pointee.errstr) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            let text = String(decoding: bytes[..<end], as: UTF8.self)
            return text.isEmpty ? "error \(c.pointee.err)" : text
        }
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .bulk(r.str.map { Array(UnsafeRawBufferPointer(start: $0, count: r.len)) } ?? [])
        case REDIS_REPLY_STATUS:
            return .status(r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: r.len), as: UTF8.self) } ?? "")
        case REDIS_REPLY_ERROR:
            return .error(r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: r.len), as: UTF8.self) } ?? "")
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(r.elements)
            for i in 0..<r.elements { if let e = r.element[i] { elements.append(copy(e)) } }
            return .array(elements)
        default:
            return .null
        }
    }
}

/// The Redis protocol's request form: `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument.
/// Binary-safe: lengths, not terminators.
enum RESP {
    static func encode(_ commands: [[[UInt8]]]) -> [UInt8] {
        var size = 0
        for args in commands {
            size += 16
            for a in args { size += a.count + 16 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        for args in commands {
            out.append(UInt8(ascii: "*"))
            appendDecimal(args.count, to: &out)
            out.append(13); out.append(10)
            for a in args {
                out.append(UInt8(ascii: "$"))
                appendDecimal(a.count, to: &out)
                out.append(13); out.append(10)
                out.append(contentsOf: a)
                out.append(13); out.append(10)
            }
        }
        return out
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 10 { out.append(UInt8(48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while n > 0 { raw[count] = UInt8(48 + n % 10); n /= 10; count += 1 }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(raw[i]) }
        }
    }
}
