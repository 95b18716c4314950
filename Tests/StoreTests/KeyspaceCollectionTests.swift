import Testing
@testable import Store

/// Lists, sets and sorted sets in SQLite: what the views show, that an
/// emptied collection goes, that deleting a key takes its elements with it,
/// and the orders Redis 7.0 answers in.
@Suite struct KeyspaceCollectionTests {
    /// Calls `body` with `text`'s UTF-8 bytes as a raw buffer.
    private func bytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) throws(RedisError) -> R) throws(RedisError) -> R {
        try Array(text.utf8).withUnsafeBytes { buffer in
            Result { () throws(RedisError) in try body(buffer) }
        }.get()
    }

    private func set(_ fixture: StoreFixture, _ key: String, create: Bool = true) throws(RedisError) -> Int64? {
        try bytes(key) { k throws(RedisError) in try fixture.keyspace.setID(db: 0, key: k, now: 0, create: create) }
    }

    private func zset(_ fixture: StoreFixture, _ key: String, create: Bool = true) throws(RedisError) -> Int64? {
        try bytes(key) { k throws(RedisError) in try fixture.keyspace.zsetID(db: 0, key: k, now: 0, create: create) }
    }

    private func add(_ fixture: StoreFixture, set id: Int64, _ members: String...) throws(RedisError) {
        for member in members {
            _ = try bytes(member) { m throws(RedisError) in try fixture.keyspace.addSetMember(id: id, member: m) }
        }
    }

    private func add(_ fixture: StoreFixture, zset id: Int64, key: String, _ pairs: (Double, String)...) throws(RedisError) {
        for (score, member) in pairs {
            try bytes(key) { k throws(RedisError) in
                try bytes(member) { m throws(RedisError) in
                    try fixture.keyspace.setZsetScore(db: 0, key: k, id: id, member: m, score: score)
                }
            }
        }
    }

    private func strings(_ members: [[UInt8]]) -> [String] {
        members.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func setsViewShowsMembersAsText() throws {
        let fixture = try StoreFixture()
        let id = try #require(try set(fixture, "tags"))
        try add(fixture, set: id, "red", "green", "red")
        #expect(try fixture.rows("SELECT key, member FROM sets ORDER BY member", columns: 2)
            == [["tags", "green"], ["tags", "red"]])
        #expect(try fixture.scalar("SELECT typeof(member) FROM set_members LIMIT 1") == "text")
        #expect(try fixture.keyspace.setCardinality(id: id) == 2)
    }

    @Test func zsetsViewShowsScoresAsReals() throws {
        let fixture = try StoreFixture()
        let id = try #require(try zset(fixture, "board"))
        try add(fixture, zset: id, key: "board", (2.5, "ann"), (1, "bob"))
        #expect(try fixture.rows("SELECT key, member, score FROM zsets ORDER BY score", columns: 3)
            == [["board", "bob", "1.0"], ["board", "ann", "2.5"]])
    }

    @Test func deletingTheKeyDeletesItsElements() throws {
        let fixture = try StoreFixture()
        let setID = try #require(try set(fixture, "s"))
        try add(fixture, set: setID, "a", "b")
        let zsetID = try #require(try zset(fixture, "z"))
        try add(fixture, zset: zsetID, key: "z", (1, "a"))
        #expect(try fixture.delete("s"))
        #expect(try fixture.delete("z"))
        #expect(try fixture.scalar("SELECT count(*) FROM set_members") == "0")
        #expect(try fixture.scalar("SELECT count(*) FROM zset_members") == "0")
    }

    /// Triggers keep each collection's `length`, whoever writes, and a
    /// string has none.
    @Test func lengthFollowsElementsForEveryWriter() throws {
        let fixture = try StoreFixture()
        let id = try #require(try set(fixture, "s"))
        try add(fixture, set: id, "a", "b", "c", "a")
        #expect(try fixture.keyspace.setCardinality(id: id) == 3)
        try fixture.database.execute("DELETE FROM set_members WHERE member = 'b'")
        #expect(try fixture.keyspace.setCardinality(id: id) == 2)
        try fixture.database.execute("INSERT INTO set_members (key_id, member) VALUES (\(id), 'd')")
        #expect(try fixture.scalar("SELECT length FROM keyspace WHERE key = 's'") == "3")
        try fixture.set("s", "now a string")
        #expect(try fixture.scalar("SELECT length FROM keyspace WHERE key = 's'") == nil)
        #expect(try fixture.scalar("SELECT count(*) FROM set_members") == "0")
    }

    /// SPOP and SRANDMEMBER's single pick: only members, and (over 500
    /// draws from five) every one of them.
    @Test func randomSetMemberReachesEveryMember() throws {
        let fixture = try StoreFixture()
        let id = try #require(try set(fixture, "s"))
        try add(fixture, set: id, "a", "b", "c", "d", "e")
        var seen = Set<String>()
        for _ in 0..<500 {
            seen.insert(String(decoding: try #require(try fixture.keyspace.randomSetMember(id: id)), as: UTF8.self))
        }
        #expect(seen == ["a", "b", "c", "d", "e"])
    }

    @Test func anEmptiedSetIsDeleted() throws {
        let fixture = try StoreFixture()
        let id = try #require(try set(fixture, "s"))
        try add(fixture, set: id, "only")
        #expect(try !fixture.keyspace.deleteIfEmpty(id: id, type: .set))
        #expect(try bytes("only") { m throws(RedisError) in try fixture.keyspace.removeSetMember(id: id, member: m) })
        #expect(try fixture.keyspace.deleteIfEmpty(id: id, type: .set))
        #expect(try fixture.lookup("s") == nil)
    }

    @Test func removingTheLastZsetMemberDeletesTheKey() throws {
        let fixture = try StoreFixture()
        let id = try #require(try zset(fixture, "z"))
        try add(fixture, zset: id, key: "z", (1, "a"))
        let removed = try bytes("z") { k throws(RedisError) in
            try bytes("a") { m throws(RedisError) in try fixture.keyspace.removeZsetMember(db: 0, key: k, id: id, member: m) }
        }
        #expect(removed)
        #expect(try fixture.lookup("z") == nil)
    }

    @Test func wrongTypeAcrossCollections() throws {
        let fixture = try StoreFixture()
        try fixture.set("str", "1")
        #expect(throws: RedisError.wrongType) { _ = try set(fixture, "str") }
        #expect(throws: RedisError.wrongType) { _ = try zset(fixture, "str", create: false) }
        _ = try set(fixture, "s")
        #expect(throws: RedisError.wrongType) { _ = try zset(fixture, "s") }
    }

    /// An intset lists in ascending numeric order; anything else in insertion order.
    @Test func redisOrderSortsOnlyIntsets() {
        let ints: [[UInt8]] = ["10", "-5", "3"].map { Array($0.utf8) }
        #expect(strings(Keyspace.redisOrder(ints)) == ["-5", "3", "10"])
        let mixed: [[UInt8]] = ["10", "a", "3"].map { Array($0.utf8) }
        #expect(strings(Keyspace.redisOrder(mixed)) == ["10", "a", "3"])
        let notCanonical: [[UInt8]] = ["10", "01"].map { Array($0.utf8) }
        #expect(strings(Keyspace.redisOrder(notCanonical)) == ["10", "01"])
        let large = (0...Keyspace.intsetEntries).reversed().map { Array(String($0).utf8) }
        #expect(Keyspace.redisOrder(large) == large)
    }

    @Test func setEncodingFollowsContents() throws {
        let fixture = try StoreFixture()
        let id = try #require(try set(fixture, "s"))
        try add(fixture, set: id, "1", "-9223372036854775808")
        #expect(try fixture.keyspace.setEncoding(id: id) == "intset")
        try add(fixture, set: id, "+1")
        #expect(try fixture.keyspace.setEncoding(id: id) == "hashtable")
    }

    @Test func zsetRanksOrderTiesByMemberBytes() throws {
        let fixture = try StoreFixture()
        let id = try #require(try zset(fixture, "z"))
        try add(fixture, zset: id, key: "z", (1, "b"), (1, "a"), (0, "z"), (1, "B"))
        #expect(try fixture.keyspace.zsetMembers(id: id).map { String(decoding: $0.member, as: UTF8.self) }
            == ["z", "B", "a", "b"])
        #expect(try bytes("a") { m throws(RedisError) in try fixture.keyspace.zsetRank(id: id, member: m, reverse: false) } == 2)
        #expect(try bytes("a") { m throws(RedisError) in try fixture.keyspace.zsetRank(id: id, member: m, reverse: true) } == 1)
        #expect(try bytes("nope") { m throws(RedisError) in try fixture.keyspace.zsetRank(id: id, member: m, reverse: false) } == nil)
    }

    @Test func scoreRangesHonourExclusiveBounds() throws {
        let fixture = try StoreFixture()
        let id = try #require(try zset(fixture, "z"))
        try add(fixture, zset: id, key: "z", (1, "a"), (2, "b"), (3, "c"))
        let range = ScoreRange(min: ScoreBound(value: 1, isExclusive: true), max: ScoreBound(value: 3, isExclusive: false))
        #expect(try fixture.keyspace.zsetCount(id: id, scores: range) == 2)
        let empty = ScoreRange(min: ScoreBound(value: 2, isExclusive: true), max: ScoreBound(value: 2, isExclusive: false))
        #expect(empty.isEmpty)
        #expect(try fixture.keyspace.zsetCount(id: id, scores: empty) == 0)
    }

    @Test func lexRangesOverEqualScores() throws {
        let fixture = try StoreFixture()
        let id = try #require(try zset(fixture, "z"))
        try add(fixture, zset: id, key: "z", (0, "a"), (0, "b"), (0, "c"), (0, "d"))
        let range = LexRange(min: .inclusive(Array("b".utf8)), max: .exclusive(Array("d".utf8)))
        #expect(try fixture.keyspace.zsetRange(id: id, lex: range, reverse: false, offset: 0, limit: -1)
            .map { String(decoding: $0.member, as: UTF8.self) } == ["b", "c"])
        #expect(try fixture.keyspace.zsetRange(id: id, lex: range, reverse: true, offset: 0, limit: 1)
            .map { String(decoding: $0.member, as: UTF8.self) } == ["c"])
        #expect(LexRange(min: .negativeInfinity, max: .negativeInfinity).isEmpty)
    }
}
