import Testing
@testable import Store

/// Expired keys are invisible at once and removed by the sweep in batches.
@Suite struct KeyspaceExpiryTests {
    @Test func aKeyExpiresAtItsDeadline() throws {
        let fixture = try StoreFixture()
        try fixture.set("k", "v", expiresAt: 1_000)
        #expect(try fixture.lookup("k", now: 999)?.expiresAt == 1_000)
        #expect(try fixture.lookup("k", now: 1_000) == nil)
        #expect(try fixture.lookup("k", now: 5_000) == nil)
    }

    @Test func expiredKeysAreInvisibleToEveryRead() throws {
        let fixture = try StoreFixture()
        try fixture.set("live", "1")
        try fixture.set("later", "2", expiresAt: 10_000)
        try fixture.set("soon", "3", expiresAt: 1_000)
        let now: Int64 = 1_000
        #expect(try fixture.lookup("soon", now: now) == nil)
        #expect(try fixture.keyspace.count(db: 0, now: now) == 2)
        #expect(try Set(fixture.keyspace.allKeys(db: 0, now: now)) == [Array("live".utf8), Array("later".utf8)])
        let step = try fixture.keyspace.scan(db: 0, cursor: 0, count: 100, now: now)
        #expect(Set(step.keys.map(\.key)) == [Array("live".utf8), Array("later".utf8)])
        #expect(step.next == 0)
        // Before the deadline all three are there.
        #expect(try fixture.keyspace.count(db: 0, now: 999) == 3)
        // The row is still in the file until the sweep: invisibility does not depend on it.
        #expect(try fixture.scalar("SELECT count(*) FROM keyspace") == "3")
    }

    @Test func deletingAnExpiredKeyReportsItAbsent() throws {
        let fixture = try StoreFixture()
        try fixture.set("k", "v", expiresAt: 1_000)
        #expect(try fixture.delete("k", now: 1_000) == false)
        try fixture.set("k", "v", expiresAt: 1_000)
        #expect(try fixture.delete("k", now: 999) == true)
        #expect(try fixture.scalar("SELECT count(*) FROM keyspace") == "0")
    }

    @Test func setExpiryAddsAndClearsADeadline() throws {
        let fixture = try StoreFixture()
        try fixture.set("k", "v")
        try Array("k".utf8).withUnsafeBytes { try fixture.keyspace.setExpiry(db: 0, key: $0, expiresAt: 2_000) }
        #expect(try fixture.lookup("k")?.expiresAt == 2_000)
        #expect(try fixture.lookup("k", now: 2_000) == nil)
        try Array("k".utf8).withUnsafeBytes { try fixture.keyspace.setExpiry(db: 0, key: $0, expiresAt: nil) }
        #expect(try fixture.lookup("k", now: 2_000)?.expiresAt == nil)
    }

    @Test func summaryCountsLiveKeysAndExpiriesPerDatabase() throws {
        let fixture = try StoreFixture()
        try fixture.set("a", "1")
        try fixture.set("b", "1", expiresAt: 3_000)
        try fixture.set("c", "1", expiresAt: 500)
        try fixture.set("d", "1", db: 4)
        let summary = try fixture.keyspace.summary(now: 1_000)
        #expect(summary.map(\.db) == [0, 4])
        #expect(summary.map(\.keys) == [2, 1])
        #expect(summary.map(\.expires) == [1, 0])
        #expect(summary.first?.averageTTL == 2_000)
    }

    @Test func hasExpiredSeesOnlyPassedDeadlines() throws {
        let fixture = try StoreFixture()
        try fixture.set("a", "1")
        try fixture.set("b", "1", expiresAt: 3_000)
        #expect(try fixture.keyspace.hasExpired(now: 2_999) == false)
        #expect(try fixture.keyspace.hasExpired(now: 3_000) == true)
    }

    @Test func sweepDeletesExpiredKeysInBatchesOfAtMostLimit() throws {
        let fixture = try StoreFixture()
        for index in 0..<8 { try fixture.set("old\(index)", "v", expiresAt: 100 + Int64(index)) }
        for index in 0..<2 { try fixture.set("old-db3-\(index)", "v", db: 3, expiresAt: 200) }
        try fixture.set("forever", "v")
        try fixture.set("future", "v", expiresAt: 10_000)
        try fixture.set("future-db3", "v", db: 3, expiresAt: 501)
        let now: Int64 = 500
        var batches: [Int] = []
        for _ in 0..<5 { batches.append(try fixture.keyspace.sweepExpired(now: now, limit: 4)) }
        #expect(batches == [4, 4, 2, 0, 0])
        #expect(try fixture.rows("SELECT db, key FROM keyspace ORDER BY db, key", columns: 2) == [
            ["0", "forever"], ["0", "future"], ["3", "future-db3"],
        ])
        #expect(try fixture.keyspace.hasExpired(now: now) == false)
    }

    @Test func sweepWithNothingExpiredDeletesNothing() throws {
        let fixture = try StoreFixture()
        try fixture.set("a", "1", expiresAt: 1_000)
        #expect(try fixture.keyspace.sweepExpired(now: 999, limit: 100) == 0)
        #expect(try fixture.scalar("SELECT count(*) FROM keyspace") == "1")
    }
}
