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
        #expect(url.host == "::1" && url.port == 15432 && url.path == "bridge")
        #expect(url.query.first?.0 == "sslmode" && url.query.first?.1 == "require")
        #expect(url.address(defaultPort: 5432) == "[::1]:15432")
        #expect(throws: ServiceURL.Invalid.self) { try ServiceURL(parsing: "127.0.0.1:5432") }
        #expect(throws: ServiceURL.Invalid.self) { try ServiceURL(parsing: "redis://h:99999/0") }
    }
}
