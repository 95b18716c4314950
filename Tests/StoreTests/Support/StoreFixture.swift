import CSQLite
@testable import Store

/// A Tally database in its own temporary directory, with the keyspace over it
/// and helpers that take keys and values as strings or bytes.
final class StoreFixture {
    let directory = TemporaryDirectory()
    let path: String
    let database: Database
    let keyspace: Keyspace

    init() throws {
        path = directory.file("tally.db")
        database = try Database(path: path, fsync: .no)
        keyspace = try Keyspace(database: database)
    }

    deinit { database.close() }

    // MARK: Keyspace calls with byte arrays

    func set(_ key: [UInt8], _ value: [UInt8], db: Int = 0, expiresAt: Int64? = nil) throws(RedisError) {
        let result = key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in
                Result { () throws(RedisError) in try keyspace.set(db: db, key: k, value: v, expiresAt: expiresAt) }
            }
        }
        try result.get()
    }

    func set(_ key: String, _ value: String, db: Int = 0, expiresAt: Int64? = nil) throws(RedisError) {
        try set(Array(key.utf8), Array(value.utf8), db: db, expiresAt: expiresAt)
    }

    func lookup(_ key: [UInt8], db: Int = 0, now: Int64 = 0) throws(RedisError) -> Entry? {
        let result = key.withUnsafeBytes { k in
            Result { () throws(RedisError) in try keyspace.lookup(db: db, key: k, now: now) }
        }
        return try result.get()
    }

    func lookup(_ key: String, db: Int = 0, now: Int64 = 0) throws(RedisError) -> Entry? {
        try lookup(Array(key.utf8), db: db, now: now)
    }

    func increment(_ key: String, by delta: Int64, db: Int = 0, now: Int64 = 0) throws(RedisError) -> Int64 {
        let result = Array(key.utf8).withUnsafeBytes { k in
            Result { () throws(RedisError) in try keyspace.increment(db: db, key: k, by: delta, now: now) }
        }
        return try result.get()
    }

    func incrementFloat(_ key: String, by delta: String, db: Int = 0, now: Int64 = 0) throws(RedisError) -> String {
        let result = Array(key.utf8).withUnsafeBytes { k in
            Array(delta.utf8).withUnsafeBytes { d in
                Result { () throws(RedisError) in try keyspace.incrementFloat(db: db, key: k, by: d, now: now) }
            }
        }
        return String(decoding: try result.get(), as: UTF8.self)
    }

    func delete(_ key: String, db: Int = 0, now: Int64 = 0) throws(RedisError) -> Bool {
        let result = Array(key.utf8).withUnsafeBytes { k in
            Result { () throws(RedisError) in try keyspace.delete(db: db, key: k, now: now) }
        }
        return try result.get()
    }

    /// The value's bytes as GET would answer them, nil when absent.
    func value(_ key: String, db: Int = 0, now: Int64 = 0) throws(RedisError) -> String? {
        try lookup(key, db: db, now: now)?.value.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    // MARK: Raw SQL, as a person with the sqlite3 shell sees the file

    /// Every row of `sql`, its first `columns` columns in SQLite's text form (NULL as nil).
    func rows(_ sql: String, columns: Int32) throws -> [[String?]] {
        let statement = try database.makeStatement(sql: sql)
        defer { statement.reset() }
        var rows: [[String?]] = []
        while try statement.step() {
            rows.append((0..<columns).map { statement.isNull($0) ? nil : statement.text($0) })
        }
        return rows
    }

    /// The one value `sql` selects, in SQLite's text form.
    func scalar(_ sql: String) throws -> String? {
        try rows(sql, columns: 1).first?.first ?? nil
    }
}
