import ServiceSupport
import Testing

@Suite struct ServiceURLTests {
    @Test func redactsPasswordsOnly() {
        #expect(ServiceURL.redact("postgres://bridge:secret@127.0.0.1:15432/bridge") == "postgres://bridge:***@127.0.0.1:15432/bridge")
        #expect(ServiceURL.redact("redis://:pw@h:1/0") == "redis://:***@h:1/0")
        #expect(ServiceURL.redact("redis://h:1/0") == "redis://h:1/0")
        #expect(ServiceURL.redact("postgres://user@h/db?x=a@b") == "postgres://user@h/db?x=a@b")
        // libpq also takes passwords as query parameters.
        #expect(ServiceURL.redact("postgres://u@h/db?sslmode=require&password=pw1&sslpassword=pw2")
                == "postgres://u@h/db?sslmode=require&password=***&sslpassword=***")
        #expect(ServiceURL.redact("postgres://u:a@h/db?PASSWORD=b") == "postgres://u:***@h/db?PASSWORD=***")
    }

    @Test func parsesTheParts() throws {
        let url = try ServiceURL(parsing: "postgres://bridge:p%3Aw@[::1]:15432/bridge?sslmode=require")
        #expect(url.scheme == "postgres" && url.user == "bridge" && url.password == "p:w")
        #expect(url.hosts == [.init(host: "::1", port: 15432)] && url.path == "bridge")
        #expect(url.query.first?.0 == "sslmode" && url.query.first?.1 == "require")
        #expect(url.address(defaultPort: 5432) == "[::1]:15432")
        #expect(throws: ServiceURL.Invalid.self) { try ServiceURL(parsing: "127.0.0.1:5432") }
        #expect(throws: ServiceURL.Invalid.self) { try ServiceURL(parsing: "redis://h:99999/0") }
    }

    /// Seed lists (a Redis Cluster's): every host in order, each with its own port or none.
    @Test func parsesSeveralHosts() throws {
        let url = try ServiceURL(parsing: "redis://u:p%40w@10.0.0.1:7000,[::1]:7001,node-c/0")
        #expect(url.hosts == [.init(host: "10.0.0.1", port: 7000), .init(host: "::1", port: 7001), .init(host: "node-c", port: nil)])
        #expect(url.user == "u" && url.password == "p@w" && url.path == "0")
        #expect(url.address(defaultPort: 6379) == "10.0.0.1:7000,[::1]:7001,node-c:6379")
        #expect(ServiceURL.redact("redis://:pw@h1:1,h2:2/0") == "redis://:***@h1:1,h2:2/0")
        let empty = #expect(throws: ServiceURL.Invalid.self) { try ServiceURL(parsing: "redis://:secret@h1:1,,h3:3/0") }
        #expect(empty?.description == "invalid URL redis://:***@h1:1,,h3:3/0: missing host")
    }
}
