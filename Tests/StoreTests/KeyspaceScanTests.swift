import Testing
@testable import Store

/// SCAN's guarantee: a full walk returns every key present for its whole
/// duration, once, whatever is added or deleted between steps.
@Suite struct KeyspaceScanTests {
    /// Walks the whole keyspace of `db`, calling `between` after every step.
    private func walk(_ fixture: StoreFixture, db: Int = 0, count: Int, now: Int64 = 0,
                      between: (Int) throws -> Void = { _ in }) throws -> (keys: [String], steps: Int) {
        var cursor: Int64 = 0
        var keys: [String] = []
        var steps = 0
        repeat {
            let step = try fixture.keyspace.scan(db: db, cursor: cursor, count: count, now: now)
            keys += step.keys.map { String(decoding: $0.key, as: UTF8.self) }
            steps += 1
            cursor = step.next
            try between(steps)
            #expect(steps < 1_000, "the walk does not end")
        } while cursor != 0 && steps < 1_000
        return (keys, steps)
    }

    @Test(arguments: [1, 3, 10, 25, 100])
    func walkReturnsEveryKeyOnce(count: Int) throws {
        let fixture = try StoreFixture()
        let names = (0..<25).map { "key:\($0)" }
        for name in names { try fixture.set(name, "1") }
        try fixture.set("elsewhere", "1", db: 1)
        let result = try walk(fixture, count: count)
        #expect(result.keys.sorted() == names.sorted())
    }

    @Test func walkOfAnEmptyDatabaseEndsAtOnce() throws {
        let fixture = try StoreFixture()
        let step = try fixture.keyspace.scan(db: 0, cursor: 0, count: 10, now: 0)
        #expect(step.next == 0)
        #expect(step.keys.isEmpty)
    }

    @Test func walkSurvivesDeletionsInsertionsAndOverwritesBetweenSteps() throws {
        let fixture = try StoreFixture()
        let stay = (0..<30).map { "stay:\($0)" }
        var doomed = (0..<15).map { "doomed:\($0)" }
        // Interleave so that deletions land both behind and ahead of the cursor.
        for index in 0..<30 {
            try fixture.set(stay[index], "1")
            if index % 2 == 0 { try fixture.set(doomed[index / 2], "1") }
        }
        var added = 0
        let result = try walk(fixture, count: 4) { step in
            if let victim = doomed.popLast() { _ = try fixture.delete(victim) }
            if let victim = doomed.first { _ = try fixture.delete(victim); doomed.removeFirst() }
            try fixture.set("new:\(added)", "1"); added += 1
            // Overwrites and counters keep their row, so they keep their place.
            try fixture.set(stay[(step * 7) % stay.count], "overwritten")
            _ = try fixture.increment(stay[(step * 11 + 3) % stay.count] + ":counter", by: 1)
        }
        let seen = result.keys
        for name in stay {
            #expect(seen.filter { $0 == name }.count == 1, "\(name) returned \(seen.filter { $0 == name }.count) times")
        }
        #expect(Set(seen).count == seen.count, "a key was returned twice")
    }

    @Test func stepsFullOfExpiredKeysDoNotEndTheWalkEarly() throws {
        let fixture = try StoreFixture()
        for index in 0..<7 { try fixture.set("expired:\(index)", "1", expiresAt: 10) }
        for index in 0..<5 { try fixture.set("live:\(index)", "1") }
        let first = try fixture.keyspace.scan(db: 0, cursor: 0, count: 3, now: 100)
        #expect(first.keys.isEmpty)
        #expect(first.next != 0)
        let result = try walk(fixture, count: 3, now: 100)
        #expect(result.keys.sorted() == (0..<5).map { "live:\($0)" })
    }

    @Test func scanReportsTheType() throws {
        let fixture = try StoreFixture()
        try fixture.set("s", "1")
        try fixture.database.execute("INSERT INTO keyspace (db, key, type) VALUES (0, 'h', 'hash')")
        let step = try fixture.keyspace.scan(db: 0, cursor: 0, count: 10, now: 0)
        let types = Dictionary(uniqueKeysWithValues: step.keys.map { (String(decoding: $0.key, as: UTF8.self), $0.type) })
        #expect(types == ["s": .string, "h": .hash])
    }
}
