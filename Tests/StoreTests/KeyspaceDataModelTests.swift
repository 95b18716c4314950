import Testing
@testable import Store

/// How keys and values land in the file, as someone with `sqlite3` sees them.
@Suite struct KeyspaceDataModelTests {
    /// (value as SET, storage class SQLite reports)
    static let values: [(String, String)] = [
        ("0", "integer"),
        ("42", "integer"),
        ("-7", "integer"),
        ("9223372036854775807", "integer"),
        ("-9223372036854775808", "integer"),
        ("01", "blob"),
        ("+1", "blob"),
        (" 1", "blob"),
        ("1 ", "blob"),
        ("1.0", "blob"),
        ("-0", "blob"),
        ("00", "blob"),
        ("9223372036854775808", "blob"),
        ("-9223372036854775809", "blob"),
        ("", "blob"),
        ("1e3", "blob"),
        ("hello", "blob"),
    ]

    @Test(arguments: values)
    func valueIsIntegerOnlyWhenCanonical(value: String, storage: String) throws {
        let fixture = try StoreFixture()
        try fixture.set("k", value)
        let row = try fixture.rows("SELECT typeof(value), length(CAST(value AS BLOB)) FROM keyspace WHERE key = 'k'", columns: 2)
        #expect(row == [[storage, String(value.utf8.count)]])
        // GET answers exactly the bytes that were SET.
        #expect(try fixture.value("k") == value)
        if storage == "integer" {
            #expect(try fixture.lookup("k")?.value == .integer(Int64(value)!))
            #expect(try fixture.scalar("SELECT value FROM keyspace WHERE key = 'k'") == value)
        } else {
            #expect(try fixture.lookup("k")?.value == .bytes(Array(value.utf8)))
        }
    }

    /// (key bytes, storage class)
    static let keys: [([UInt8], String)] = [
        (Array("hits".utf8), "text"),
        (Array("héllo wörld".utf8), "text"),
        (Array("😀 counter".utf8), "text"),
        ([0x61, 0x00, 0x62], "text"),
        ([], "text"),
        ([0xFF], "blob"),
        ([0x61, 0x80], "blob"),
        ([0xC0, 0x80], "blob"),
        ([0xED, 0xA0, 0x80], "blob"),
        ([0xF4, 0x90, 0x80, 0x80], "blob"),
        ([0xE2, 0x82], "blob"),
    ]

    @Test(arguments: keys)
    func keyIsTextOnlyWhenValidUTF8(key: [UInt8], storage: String) throws {
        let fixture = try StoreFixture()
        try fixture.set(key, Array("v".utf8))
        #expect(try fixture.rows("SELECT typeof(key), length(CAST(key AS BLOB)) FROM keyspace", columns: 2)
            == [[storage, String(key.count)]])
        // The same rule on every path: the key is found again, with its exact bytes.
        #expect(try fixture.lookup(key)?.value == .bytes(Array("v".utf8)))
        #expect(try fixture.keyspace.allKeys(db: 0, now: 0) == [key])
        #expect(try fixture.keyspace.scan(db: 0, cursor: 0, count: 10, now: 0).keys.map(\.key) == [key])
    }

    @Test func keysThatDifferOnlyAfterANulAreDistinct() throws {
        let fixture = try StoreFixture()
        try fixture.set([0x61], Array("1".utf8))
        try fixture.set([0x61, 0x00, 0x62], Array("2".utf8))
        #expect(try fixture.lookup([0x61])?.value == .integer(1))
        #expect(try fixture.lookup([0x61, 0x00, 0x62])?.value == .integer(2))
        #expect(try fixture.lookup([0x61, 0x00]) == nil)
        #expect(try fixture.keyspace.count(db: 0, now: 0) == 2)
    }

    @Test func inspectableWithPlainSQL() throws {
        let fixture = try StoreFixture()
        _ = try fixture.increment("hits", by: 3)
        #expect(try fixture.scalar("SELECT value FROM keyspace WHERE key = 'hits'") == "3")
        #expect(try fixture.scalar("SELECT value FROM counters WHERE key = 'hits'") == "3")
        #expect(try fixture.scalar("SELECT typeof(value) FROM counters WHERE key = 'hits'") == "integer")
    }

    @Test func countersViewListsLiveIntegerKeysOfDatabaseZeroOnly() throws {
        let fixture = try StoreFixture()
        let now = wallClockMilliseconds()
        let hour: Int64 = 3_600_000
        try fixture.set("hits", "42")
        try fixture.set("later", "7", expiresAt: now + hour)
        try fixture.set("expired", "5", expiresAt: now - hour)
        try fixture.set("other-db", "9", db: 1)
        try fixture.set("padded", "01")
        try fixture.set("word", "abc")
        try fixture.set("float", "1.5")
        try fixture.set("negative", "-3")
        #expect(try fixture.rows("SELECT key, value, expires_at FROM counters ORDER BY key", columns: 3) == [
            ["hits", "42", nil],
            ["later", "7", String(now + hour)],
            ["negative", "-3", nil],
        ])
    }

    @Test func readableKeysViewShowsExpiryAsUTC() throws {
        let fixture = try StoreFixture()
        // 2100-01-01T00:00:00.250Z
        try fixture.set("k", "v", db: 2, expiresAt: 4_102_444_800_250)
        try fixture.set("gone", "v", expiresAt: wallClockMilliseconds() - 60_000)
        #expect(try fixture.rows("SELECT db, key, expires_at_utc FROM keys_readable", columns: 3)
            == [["2", "k", "2100-01-01 00:00:00.250"]])
    }

    @Test func setReplacesAnotherTypeAndItsExpiry() throws {
        let fixture = try StoreFixture()
        try fixture.database.execute("INSERT INTO keyspace (db, key, type, value, expires_at) VALUES (0, 'h', 'hash', NULL, 5000)")
        #expect(try fixture.lookup("h")?.type == .hash)
        #expect(try fixture.lookup("h")?.value == nil)
        try fixture.set("h", "12")
        let entry = try #require(try fixture.lookup("h"))
        #expect(entry.type == .string)
        #expect(entry.value == .integer(12))
        #expect(entry.expiresAt == nil)
    }

    @Test func overwritingKeepsTheRowID() throws {
        let fixture = try StoreFixture()
        try fixture.set("a", "1")
        try fixture.set("b", "1")
        let id = try #require(try fixture.lookup("a")).id
        try fixture.set("a", "two")
        _ = try fixture.increment("b", by: 1)
        #expect(try fixture.lookup("a")?.id == id)
        #expect(try fixture.scalar("SELECT count(*) FROM keyspace") == "2")
    }

    @Test func wrongTypeForStringReads() throws {
        let fixture = try StoreFixture()
        try fixture.database.execute("INSERT INTO keyspace (db, key, type) VALUES (0, 'h', 'hash')")
        #expect(throws: RedisError.wrongType) {
            try Array("h".utf8).withUnsafeBytes { try fixture.keyspace.string(db: 0, key: $0, now: 0) }
        }
        #expect(throws: RedisError.wrongType) { try fixture.increment("h", by: 1) }
        #expect(throws: RedisError.wrongType) { try fixture.incrementFloat("h", by: "1") }
    }

    @Test func databasesAreSeparate() throws {
        let fixture = try StoreFixture()
        try fixture.set("k", "zero", db: 0)
        try fixture.set("k", "fifteen", db: 15)
        #expect(try fixture.value("k", db: 0) == "zero")
        #expect(try fixture.value("k", db: 15) == "fifteen")
        #expect(try fixture.value("k", db: 1) == nil)
        try fixture.keyspace.flush(db: 0)
        #expect(try fixture.value("k", db: 0) == nil)
        #expect(try fixture.value("k", db: 15) == "fifteen")
        try fixture.keyspace.flush(db: nil)
        #expect(try fixture.scalar("SELECT count(*) FROM keyspace") == "0")
    }
}
