import CSQLite

/// Renaming, copying and moving keys between names and databases, and
/// picking a random key.
extension Keyspace {
    /// Renames the live key `from` to `to` in `db`, replacing `to`; its TTL
    /// and elements go with it.
    package func rename(db: Int, from: UnsafeRawBufferPointer, to: UnsafeRawBufferPointer) throws(RedisError) {
        try rawDelete(db: db, key: to)
        let statement = try cachedStatement("UPDATE keyspace SET key = ?3 WHERE db = ?1 AND key = ?2")
        do {
            try statement.bind(1, Int64(db))
            try statement.bindKey(2, from)
            try statement.bindKey(3, to)
            try statement.run()
        } catch { throw .storage(error.message) }
        onKeyModified?(db, from)
        onKeyModified?(db, to)
    }

    /// Moves the live key to another database (the caller checked that the
    /// target name is free there).
    package func move(db: Int, key: UnsafeRawBufferPointer, to target: Int) throws(RedisError) {
        try rawDelete(db: target, key: key)
        let statement = try cachedStatement("UPDATE keyspace SET db = ?3 WHERE db = ?1 AND key = ?2")
        do {
            try statement.bind(1, Int64(db))
            try statement.bindKey(2, key)
            try statement.bind(3, Int64(target))
            try statement.run()
        } catch { throw .storage(error.message) }
        onKeyModified?(db, key)
        onKeyModified?(target, key)
    }

    /// Copies the live entry `source` (row id, of `type`) to `to` in
    /// `targetDB`, replacing what is there, with its TTL and elements (whose
    /// inserts count the new row's `length` up from 0).
    package func copy(id source: Int64, type: KeyType, to key: UnsafeRawBufferPointer, targetDB: Int) throws(RedisError) {
        try rawDelete(db: targetDB, key: key)
        let copyRow = try cachedStatement("""
            INSERT INTO keyspace (db, key, type, value, expires_at, length)
            SELECT ?2, ?3, type, value, expires_at, CASE type WHEN 'string' THEN NULL ELSE 0 END FROM keyspace WHERE id = ?1
            """)
        defer { copyRow.reset() }
        do {
            try copyRow.bind(1, source)
            try copyRow.bind(2, Int64(targetDB))
            try copyRow.bindKey(3, key)
            try copyRow.run()
        } catch { throw .storage(error.message) }
        try copyElements(from: source, to: sqlite3_last_insert_rowid(database.handle), type: type)
        onKeyModified?(targetDB, key)
    }

    /// A random live key of `db`, or nil when it has none. Probes random row
    /// ids rather than sorting the table, so it stays cheap on large databases.
    package func randomKey(db: Int, now: Int64) throws(RedisError) -> [UInt8]? {
        let bounds = try cachedStatement("SELECT min(id), max(id) FROM keyspace WHERE db = ?1")
        let probe = try cachedStatement("""
            SELECT key FROM keyspace WHERE db = ?1 AND id >= ?2 AND (expires_at IS NULL OR expires_at > ?3) ORDER BY id LIMIT 1
            """)
        defer { bounds.reset() }
        do {
            try bounds.bind(1, Int64(db))
            guard try bounds.step(), !bounds.isNull(0) else { return nil }
            let low = bounds.int64(0), high = bounds.int64(1)
            bounds.reset()
            // A probe past the last live key wraps to the start once.
            for start in [Int64.random(in: low...high), low] {
                defer { probe.reset() }
                try probe.bind(1, Int64(db))
                try probe.bind(2, start)
                try probe.bind(3, now)
                if try probe.step() { return probe.bytes(0) }
            }
        } catch { throw .storage(error.message) }
        return nil
    }

    /// Deletes the row at `key` whether live or expired (its fields by trigger).
    func rawDelete(db: Int, key: UnsafeRawBufferPointer) throws(RedisError) {
        let statement = deleteStatement
        defer { statement.reset() }
        do {
            try statement.bind(1, Int64(db))
            try statement.bindKey(2, key)
            try statement.run()
        } catch { throw .storage(error.message) }
    }
}
