/// The parts of a service URL (`scheme://user:password@host:port/path?query`) that the clients
/// need, parsed without Foundation so that a malformed URL gets a precise message.
///
/// The authority may list several hosts (`scheme://user:password@h1:p1,h2:p2/path`), as the seed
/// nodes of a Redis Cluster or libpq's multi-host URLs do.
package struct ServiceURL: Sendable, Equatable {
    package struct Host: Sendable, Equatable {
        package var host: String
        package var port: Int?

        package init(host: String, port: Int?) {
            self.host = host
            self.port = port
        }
    }

    package var scheme: String
    package var user: String?
    package var password: String?
    /// At least one, in the order written.
    package var hosts: [Host]
    package var path: String
    package var query: [(String, String)]

    package static func == (a: ServiceURL, b: ServiceURL) -> Bool {
        a.scheme == b.scheme && a.user == b.user && a.password == b.password && a.hosts == b.hosts
            && a.path == b.path && a.query.elementsEqual(b.query, by: ==)
    }

    package struct Invalid: Error, CustomStringConvertible, Sendable {
        package var url: String
        package var reason: String
        package var description: String { "invalid URL \(url): \(reason)" }
        package init(url: String, reason: String) {
            self.url = url
            self.reason = reason
        }
    }

    package init(parsing raw: String) throws {
        let redacted = ServiceURL.redact(raw)
        guard let schemeEnd = raw.range(of: "://") else { throw Invalid(url: redacted, reason: "missing scheme://") }
        scheme = String(raw[..<schemeEnd.lowerBound]).lowercased()
        var rest = Substring(raw[schemeEnd.upperBound...])
        var queryPart: Substring = ""
        if let q = rest.firstIndex(of: "?") { queryPart = rest[rest.index(after: q)...]; rest = rest[..<q] }
        var pathPart: Substring = ""
        if let slash = rest.firstIndex(of: "/") { pathPart = rest[rest.index(after: slash)...]; rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = ServiceURL.percentDecode(userInfo[..<colon])
                password = ServiceURL.percentDecode(userInfo[userInfo.index(after: colon)...])
            } else {
                user = ServiceURL.percentDecode(userInfo)
            }
            if user == "" { user = nil }
        }
        hosts = try rest.split(separator: ",", omittingEmptySubsequences: false).map { try ServiceURL.host($0, in: redacted) }
        path = ServiceURL.percentDecode(pathPart)
        query = queryPart.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1)
            return (ServiceURL.percentDecode(kv[0]), kv.count > 1 ? ServiceURL.percentDecode(kv[1]) : "")
        }
    }

    /// One `host[:port]` of the authority; IPv6 addresses in brackets.
    private static func host(_ text: Substring, in redacted: String) throws -> Host {
        var rest = text
        let host: String
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            if rest.hasPrefix(":") { rest.removeFirst() } else { rest = "" }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
            rest = ""
        }
        var port: Int?
        if !rest.isEmpty {
            guard let p = Int(rest), (1...65535).contains(p) else { throw Invalid(url: redacted, reason: "port \"\(rest)\" is not a number in 1...65535") }
            port = p
        }
        if host.isEmpty { throw Invalid(url: redacted, reason: "missing host") }
        return Host(host: host, port: port)
    }

    /// `host:port` as it appears in messages; every host, comma-separated, when there are several.
    package func address(defaultPort: Int) -> String {
        hosts.map { ServiceURL.address(host: $0.host, port: $0.port ?? defaultPort) }.joined(separator: ",")
    }

    /// `host:port`, with an IPv6 address in brackets.
    package static func address(host: String, port: Int) -> String {
        "\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// The URL with any password replaced by `***`: the only form of a URL that may reach a log
    /// line, an error, a status page or a report. Passwords in the user information and in
    /// libpq's `password` and `sslpassword` query parameters are both replaced.
    package static func redact(_ raw: String) -> String {
        redactUserInfo(redactQuery(raw))
    }

    /// Query parameters that carry secrets (libpq accepts the password as one).
    static let secretParameters: Set<String> = ["password", "sslpassword"]

    private static func redactQuery(_ raw: String) -> String {
        guard let question = raw.firstIndex(of: "?") else { return raw }
        let query = raw[raw.index(after: question)...]
        let redacted = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let equals = item.firstIndex(of: "="), secretParameters.contains(item[..<equals].lowercased()) else { return String(item) }
            return item[...equals] + "***"
        }
        return String(raw[...question]) + redacted.joined(separator: "&")
    }

    private static func redactUserInfo(_ raw: String) -> String {
        guard let schemeEnd = raw.range(of: "://") else { return raw }
        let afterScheme = raw[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return raw }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return raw }
        return String(raw[..<userInfo.index(after: colon)]) + "***" + String(raw[at...])
    }

    static func percentDecode(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        var bytes: [UInt8] = []
        var i = s.utf8.startIndex
        let u = s.utf8
        while i < u.endIndex {
            let c = u[i]
            if c == UInt8(ascii: "%"), let j = u.index(i, offsetBy: 2, limitedBy: u.endIndex), j < u.endIndex,
               let hi = hexValue(u[u.index(after: i)]), let lo = hexValue(u[j]) {
                bytes.append(hi << 4 | lo)
                i = u.index(after: j)
            } else {
                bytes.append(c)
                i = u.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
