import RedisClient
import Testing

/// BRIDGE_REDIS_URL read without a server: database, credentials, seed lists, what is refused.
@Suite struct RedisConfigurationTests {
    @Test func urlWithDatabaseAndPassword() throws {
        let config = try RedisConfiguration(url: "redis://user:p%40ss@example.org:7000/3")
        #expect(config.seeds == [RedisEndpoint(host: "example.org", port: 7000)] && config.database == 3)
        #expect(config.username == "user" && config.password == "p@ss")
        #expect(throws: (any Error).self) { try RedisConfiguration(url: "rediss://h:1/0") }
        #expect(throws: (any Error).self) { try RedisConfiguration(url: "redis://h:1/x") }
        let seeds = try RedisConfiguration(url: "redis://:pw@10.0.0.1:7000,10.0.0.2,10.0.0.3:7002")
        #expect(seeds.seeds.map(\.description) == ["10.0.0.1:7000", "10.0.0.2:6379", "10.0.0.3:7002"])
        #expect(seeds.address == "10.0.0.1:7000,10.0.0.2:6379,10.0.0.3:7002" && seeds.database == 0)
    }
}
