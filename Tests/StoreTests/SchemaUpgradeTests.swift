import Foundation
import Testing
@testable import Store

/// A database written by the first release (schema version 1, before
/// hashes) opens with this binary, is migrated in place, and keeps its data.
@Suite struct SchemaUpgradeTests {
    /// Tests/Fixtures/schema-v1.db, copied so the test never changes the fixture.
    static func copyOfFixture(into directory: TemporaryDirectory, name: String = "schema-v1.db") throws -> String {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/\(name)").standardizedFileURL.path
        let path = directory.file("upgraded.db")
        try FileManager.default.copyItem(atPath: fixture, toPath: path)
        return path
    }

    @Test func versionOneDatabaseUpgradesAndKeepsItsCounts() throws {
        let directory = TemporaryDirectory()
        let path = try Self.copyOfFixture(into: directory)
        #expect(try rawSQLiteInt(path: path, "PRAGMA user_version") == 1)
        #expect(try rawSQLiteInt(path: path, "SELECT count(*) FROM sqlite_schema WHERE name = 'hash_fields'") == 0)

        let database = try Database(path: path, fsync: .no)
        defer { database.close() }
        let keyspace = try Keyspace(database: database)
        #expect(try rawSQLiteInt(path: path, "PRAGMA user_version") == Int64(Migration.latestVersion))
        #expect(try rawSQLiteInt(path: path, "SELECT count(*) FROM sqlite_schema WHERE name = 'hash_fields'") == 1)

        // The counts and values written by version 1 are all still there.
        let now = wallClockMilliseconds()
        func value(_ key: String, db: Int = 0) throws -> StoredValue? {
            try Array(key.utf8).withUnsafeBytes { try keyspace.lookup(db: db, key: $0, now: now) }?.value
        }
        #expect(try value("hits") == .integer(42))
        #expect(try value("greeting") == .bytes(Array("héllo".utf8)))
        #expect(try value("far-future") == .integer(7))
        #expect(try value("other", db: 1) == .integer(5))
        #expect(try rawSQLiteInt(path: path, "SELECT value FROM counters WHERE key = 'hits'") == 42)

        // Counting goes on from there, and the new schema's hashes work.
        let next = try Array("hits".utf8).withUnsafeBytes { try keyspace.increment(db: 0, key: $0, by: 1, now: now) }
        #expect(next == 43)
        let id = try Array("pages".utf8).withUnsafeBytes { try keyspace.hashID(db: 0, key: $0, now: now, create: true) }
        let created = try #require(id)
        try Array("pages".utf8).withUnsafeBytes { key in
            try Array("/about".utf8).withUnsafeBytes { field in
                try Array("1".utf8).withUnsafeBytes { one in
                    _ = try keyspace.setHashField(db: 0, key: key, id: created, field: field, value: one)
                }
            }
        }
        #expect(try rawSQLiteInt(path: path, "SELECT value FROM hashes WHERE key = 'pages' AND field = '/about'") == 1)
    }

    /// Schema version 2 (hashes, before lists, sets and sorted sets), as
    /// written by the release before this one.
    @Test func versionTwoDatabaseUpgradesAndKeepsCountsAndHashes() throws {
        let directory = TemporaryDirectory()
        let path = try Self.copyOfFixture(into: directory, name: "schema-v2.db")
        #expect(try rawSQLiteInt(path: path, "PRAGMA user_version") == 2)
        #expect(try rawSQLiteInt(path: path, "SELECT count(*) FROM sqlite_schema WHERE name = 'list_items'") == 0)

        let database = try Database(path: path, fsync: .no)
        defer { database.close() }
        let keyspace = try Keyspace(database: database)
        #expect(try rawSQLiteInt(path: path, "PRAGMA user_version") == Int64(Migration.latestVersion))
        for table in ["list_items", "set_members", "zset_members", "lists", "sets", "zsets"] {
            #expect(try rawSQLiteInt(path: path, "SELECT count(*) FROM sqlite_schema WHERE name = '\(table)'") == 1, "\(table)")
        }
        #expect(try rawSQLiteInt(path: path, "SELECT value FROM counters WHERE key = 'hits'") == 42)
        #expect(try rawSQLiteInt(path: path, "SELECT value FROM hashes WHERE key = 'pages' AND field = '/'") == 10)
        #expect(try rawSQLiteInt(path: path, "SELECT value FROM hashes WHERE key = 'pages' AND field = '/naïve'") == 1)
        let now = wallClockMilliseconds()
        let next = try Array("hits".utf8).withUnsafeBytes { try keyspace.increment(db: 0, key: $0, by: 1, now: now) }
        #expect(next == 43)
        let other = try Array("other".utf8).withUnsafeBytes { try keyspace.lookup(db: 1, key: $0, now: now) }
        #expect(other?.value == .integer(5))
        let pages = try Array("pages".utf8).withUnsafeBytes { try keyspace.hashID(db: 0, key: $0, now: now, create: false) }
        #expect(try keyspace.hashLength(id: try #require(pages)) == 4)
        // Migration 0004 counted the existing fields into the row's length.
        #expect(try rawSQLiteInt(path: path, "SELECT length FROM keyspace WHERE db = 0 AND key = 'pages'") == 4)
        #expect(try rawSQLiteInt(path: path, "SELECT count(*) FROM keyspace WHERE type = 'string' AND length IS NOT NULL") == 0)
    }

    @Test func upgradeIsIdempotent() throws {
        let directory = TemporaryDirectory()
        let path = try Self.copyOfFixture(into: directory)
        for _ in 0..<2 {
            let database = try Database(path: path, fsync: .no)
            database.close()
        }
        #expect(try rawSQLiteInt(path: path, "PRAGMA user_version") == Int64(Migration.latestVersion))
        #expect(try rawSQLiteInt(path: path, "SELECT value FROM counters WHERE key = 'hits'") == 42)
    }
}
