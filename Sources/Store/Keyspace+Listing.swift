import CSQLite

/// Whole-database reads and writes: KEYS, SCAN, DBSIZE, FLUSH*, INFO and the
/// expiry sweep.
extension Keyspace {
    /// A live-key condition on `now` bound as parameter `?2`.
    private static let live = "(expires_at IS NULL OR expires_at > ?2)"

    /// Every live key of `db`, in storage order.
    package func allKeys(db: Int, now: Int64) throws(RedisError) -> [[UInt8]] {
        let statement = try cachedStatement("SELECT key FROM keyspace WHERE db = ?1 AND \(Keyspace.live)")
        defer { statement.reset() }
        var keys: [[UInt8]] = []
        do {
            try statement.bind(1, Int64(db))
            try statement.bind(2, now)
            while try statement.step() { keys.append(statement.bytes(0)) }
        } catch { throw .storage(error.message) }
        return keys
    }

    /// One SCAN step: up to `count` rows after `cursor` (a row id), and the
    /// next cursor (0 when the walk is complete). Rows keep their id while
    /// they exist, so every key present throughout a walk is returned once.
    package func scan(db: Int, cursor: Int64, count: Int, now: Int64) throws(RedisError) -> (next: Int64, keys: [(key: [UInt8], type: KeyType)]) {
        let statement = try cachedStatement("""
            SELECT id, key, type, expires_at FROM keyspace WHERE db = ?1 AND id > ?3 ORDER BY id LIMIT ?4
            """)
        defer { statement.reset() }
        var keys: [(key: [UInt8], type: KeyType)] = []
        var last: Int64 = 0
        var rows = 0
        do {
            try statement.bind(1, Int64(db))
            try statement.bind(3, cursor)
            try statement.bind(4, Int64(count))
            while try statement.step() {
                rows += 1
                last = statement.int64(0)
                if let expiresAt = statement.optionalInt64(3), expiresAt <= now { continue }
                keys.append((statement.bytes(1), KeyType(rawValue: statement.text(2)) ?? .string))
            }
        } catch { throw .storage(error.message) }
        return (rows < count ? 0 : last, keys)
    }

    /// The number of live keys in `db`.
    package func count(db: Int, now: Int64) throws(RedisError) -> Int {
        let statement = try cachedStatement("SELECT count(*) FROM keyspace WHERE db = ?1 AND \(Keyspace.live)")
        defer { statement.reset() }
        do {
            try statement.bind(1, Int64(db))
            try statement.bind(2, now)
            return try statement.step() ? Int(statement.int64(0)) : 0
        } catch { throw .storage(error.message) }
    }

    /// Deletes every key of `db`, or of every database when `db` is nil.
    package func flush(db: Int?) throws(RedisError) {
        // Told first, while the keys still exist: WATCH fails only for watched keys that did.
        onFlush?(db)
        let statement = try cachedStatement(db == nil ? "DELETE FROM keyspace" : "DELETE FROM keyspace WHERE db = ?1")
        do {
            if let db { try statement.bind(1, Int64(db)) }
            try statement.run()
        } catch { throw .storage(error.message) }
    }

    /// Per-database counts of live keys, for INFO's Keyspace section.
    package func summary(now: Int64) throws(RedisError) -> [KeyspaceSummary] {
        let statement = try cachedStatement("""
            SELECT db, count(*), count(expires_at), coalesce(avg(expires_at - ?2), 0)
            FROM keyspace WHERE ?1 = ?1 AND \(Keyspace.live) GROUP BY db ORDER BY db
            """)
        defer { statement.reset() }
        var result: [KeyspaceSummary] = []
        do {
            try statement.bind(1, Int64(0))
            try statement.bind(2, now)
            while try statement.step() {
                result.append(KeyspaceSummary(db: Int(statement.int64(0)), keys: Int(statement.int64(1)),
                                              expires: Int(statement.int64(2)), averageTTL: Int64(statement.double(3))))
            }
        } catch { throw .storage(error.message) }
        return result
    }

    /// Deletes up to `limit` keys whose deadline has passed; returns how many.
    /// Small batches keep one sweep from stalling the clients' turn.
    package func sweepExpired(now: Int64, limit: Int) throws(RedisError) -> Int {
        let statement = try cachedStatement("""
            DELETE FROM keyspace WHERE id IN
                (SELECT id FROM keyspace WHERE expires_at <= ?1 LIMIT ?2)
            """)
        do {
            try statement.bind(1, now)
            try statement.bind(2, Int64(limit))
            try statement.run()
        } catch { throw .storage(error.message) }
        return Int(sqlite3_changes(database.handle))
    }

    /// True when some key's deadline has passed (a cheap check before a sweep).
    package func hasExpired(now: Int64) throws(RedisError) -> Bool {
        let statement = try cachedStatement("SELECT 1 FROM keyspace WHERE expires_at <= ?1 LIMIT 1")
        defer { statement.reset() }
        do {
            try statement.bind(1, now)
            return try statement.step()
        } catch { throw .storage(error.message) }
    }
}
