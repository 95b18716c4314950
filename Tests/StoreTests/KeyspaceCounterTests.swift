import Testing
@testable import Store

/// INCRBY and INCRBYFLOAT arithmetic as the keyspace performs it.
@Suite struct KeyspaceCounterTests {
    @Test func incrementCreatesTheKeyFromZero() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.increment("hits", by: 1) == 1)
        #expect(try fixture.increment("hits", by: 1) == 2)
        #expect(try fixture.increment("hits", by: -5) == -3)
        #expect(try fixture.lookup("hits")?.value == .integer(-3))
        #expect(try fixture.scalar("SELECT typeof(value) FROM keyspace WHERE key = 'hits'") == "integer")
    }

    @Test(arguments: [
        (Int64.max, Int64(1)),
        (Int64.max - 10, Int64(11)),
        (Int64.min, Int64(-1)),
        (Int64(-2), Int64.min),
        (Int64(1), Int64.max),
    ])
    func overflowLeavesTheValueUnchanged(start: Int64, delta: Int64) throws {
        let fixture = try StoreFixture()
        try fixture.set("n", String(start), expiresAt: 9_000)
        #expect(throws: RedisError.overflow) { try fixture.increment("n", by: delta) }
        let entry = try #require(try fixture.lookup("n"))
        #expect(entry.value == .integer(start))
        #expect(entry.expiresAt == 9_000)
    }

    @Test func reachingTheLimitsExactlyIsAllowed() throws {
        let fixture = try StoreFixture()
        try fixture.set("n", String(Int64.max - 1))
        #expect(try fixture.increment("n", by: 1) == Int64.max)
        try fixture.set("m", String(Int64.min + 1))
        #expect(try fixture.increment("m", by: -1) == Int64.min)
        #expect(try fixture.value("m") == "-9223372036854775808")
    }

    @Test(arguments: ["abc", "01", "+1", " 1", "1 ", "1.0", "-0", "", "9223372036854775808", "1e3"])
    func nonIntegerValueIsRefusedAndKept(value: String) throws {
        let fixture = try StoreFixture()
        try fixture.set("n", value)
        #expect(throws: RedisError.notInteger) { try fixture.increment("n", by: 1) }
        #expect(try fixture.value("n") == value)
    }

    @Test func incrementKeepsTheTimeToLive() throws {
        let fixture = try StoreFixture()
        try fixture.set("n", "10", expiresAt: 50_000)
        #expect(try fixture.increment("n", by: 5, now: 1_000) == 15)
        let entry = try #require(try fixture.lookup("n", now: 1_000))
        #expect(entry.expiresAt == 50_000)
        #expect(entry.value == .integer(15))
    }

    @Test func incrementOfAnExpiredKeyStartsOverWithoutExpiry() throws {
        let fixture = try StoreFixture()
        try fixture.set("n", "10", expiresAt: 1_000)
        #expect(try fixture.increment("n", by: 1, now: 1_000) == 1)
        let entry = try #require(try fixture.lookup("n", now: 2_000_000))
        #expect(entry.value == .integer(1))
        #expect(entry.expiresAt == nil)
    }

    @Test func incrementReadsCanonicalTextWrittenFromOutside() throws {
        let fixture = try StoreFixture()
        try fixture.database.execute("INSERT INTO keyspace (db, key, value) VALUES (0, 'hits', '41')")
        #expect(try fixture.scalar("SELECT typeof(value) FROM keyspace WHERE key = 'hits'") == "text")
        #expect(try fixture.increment("hits", by: 1) == 42)
        #expect(try fixture.scalar("SELECT typeof(value) || ':' || value FROM keyspace WHERE key = 'hits'") == "integer:42")
    }

    @Test func outsideWritesAreSeenByTheNextCall() throws {
        let fixture = try StoreFixture()
        _ = try fixture.increment("hits", by: 1)
        try fixture.database.execute("UPDATE keyspace SET value = 100 WHERE key = 'hits'")
        #expect(try fixture.increment("hits", by: 1) == 101)
        try fixture.database.execute("UPDATE keyspace SET value = 'x' WHERE key = 'hits'")
        #expect(throws: RedisError.notInteger) { try fixture.increment("hits", by: 1) }
    }

    // MARK: INCRBYFLOAT

    /// (start, increment, result), each checked against redis-server 7.0.15 on x86_64.
    @Test(arguments: [
        ("1000", "0.1", "1000.09999999999999998"),
        ("10", "0.5", "10.5"),
        ("0", "3.0e3", "3000"),
        ("5.0e3", "0", "5000"),
        ("0", "-0", "0"),
        ("1.5", "-1.5", "0"),
        ("-1", "0.5", "-0.5"),
        ("0.1", "0.2", "0.3"),
        ("3", "1.1", "4.1"),
        ("0", "5e-324", "0"),
        ("0", "-1e-18", "0"),
        ("0", "0x10", "16"),
        ("0", "123456789.123456789", "123456789.12345678899873747"),
    ])
    func incrementFloatMatchesRedis(start: String, delta: String, result: String) throws {
        let fixture = try StoreFixture()
        try fixture.set("f", start)
        #expect(try fixture.incrementFloat("f", by: delta) == result)
        #expect(try fixture.value("f") == result)
    }

    @Test func incrementFloatOfAMissingKeyStartsAtZero() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.incrementFloat("f", by: "2.5") == "2.5")
        #expect(try fixture.incrementFloat("f", by: "2.5") == "5")
        // "5" is a canonical integer now, so it is stored and counted as one.
        #expect(try fixture.lookup("f")?.value == .integer(5))
        #expect(try fixture.increment("f", by: 1) == 6)
    }

    @Test(arguments: ["inf", "-inf", "+inf", "infinity"])
    func incrementFloatToInfinityIsRefusedAndKept(delta: String) throws {
        let fixture = try StoreFixture()
        try fixture.set("f", "1.5")
        #expect(throws: RedisError.nanOrInfinity) { try fixture.incrementFloat("f", by: delta) }
        #expect(try fixture.value("f") == "1.5")
    }

    @Test(arguments: ["nan", " 1", "1 ", "", "abc", "1e", "1e5000", "1e-5000"])
    func incrementFloatRefusesAnInvalidIncrement(delta: String) throws {
        let fixture = try StoreFixture()
        try fixture.set("f", "1.5")
        #expect(throws: RedisError.notFloat) { try fixture.incrementFloat("f", by: delta) }
        #expect(try fixture.value("f") == "1.5")
    }

    @Test(arguments: ["abc", "1 ", " 1", "nan", ""])
    func incrementFloatRefusesAnInvalidStoredValue(value: String) throws {
        let fixture = try StoreFixture()
        try fixture.set("f", value)
        #expect(throws: RedisError.notFloat) { try fixture.incrementFloat("f", by: "1") }
        #expect(try fixture.value("f") == value)
    }

    @Test func incrementFloatKeepsTheTimeToLive() throws {
        let fixture = try StoreFixture()
        try fixture.set("f", "1.5", expiresAt: 70_000)
        #expect(try fixture.incrementFloat("f", by: "1", now: 10) == "2.5")
        #expect(try fixture.lookup("f", now: 10)?.expiresAt == 70_000)
    }
}
