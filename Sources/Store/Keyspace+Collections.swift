import CSQLite

/// What hashes, lists, sets and sorted sets share: a row in `keyspace` that
/// owns element rows in its type's table (`hash_fields`, `list_items`,
/// `set_members`, `zset_members`), found by the row's id. An emptied
/// collection is deleted, as in Redis: no key ever holds zero elements.
extension Keyspace {
    /// The row id of the live key of `type` at `key`; WRONGTYPE for a key of
    /// another type. With `create`, a missing (or expired) key becomes a new
    /// empty one of `type`, which the caller must fill in the same command.
    package func collectionID(db: Int, key: UnsafeRawBufferPointer, now: Int64, type: KeyType,
                              create: Bool) throws(RedisError) -> Int64? {
        if let entry = try lookup(db: db, key: key, now: now) {
            guard entry.type == type else { throw .wrongType }
            return entry.id
        }
        guard create else { return nil }
        // An expired row may still be there: it goes (its elements with it, by trigger).
        let remove = deleteStatement
        let insert = try cachedStatement("INSERT INTO keyspace (db, key, type, value, expires_at, length) VALUES (?1, ?2, ?3, NULL, NULL, 0)")
        defer { remove.reset(); insert.reset() }
        do {
            try remove.bind(1, Int64(db))
            try remove.bindKey(2, key)
            try remove.run()
            try insert.bind(1, Int64(db))
            try insert.bindKey(2, key)
            try insert.bindText(3, type.rawValue)
            try insert.run()
        } catch { throw .storage(error.message) }
        return sqlite3_last_insert_rowid(database.handle)
    }

    /// The number of elements the key row `id` owns in its type's table,
    /// which triggers keep in the row's `length` (migration 0004).
    package func elementCount(id: Int64, type: KeyType) throws(RedisError) -> Int {
        guard type != .string else { return 0 }
        let statement = try cachedStatement("SELECT coalesce(length, 0) FROM keyspace WHERE id = ?1")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            return try statement.step() ? Int(statement.int64(0)) : 0
        } catch { throw .storage(error.message) }
    }

    /// Runs `sql` with a collection's row id bound as ?1 and a member (bound
    /// as a key: TEXT when valid UTF-8, else BLOB) as ?2; true when it
    /// changed a row. Adding and removing set or sorted-set members.
    func changeElement(_ sql: String, id: Int64, member: UnsafeRawBufferPointer) throws(RedisError) -> Bool {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bindKey(2, member)
            try statement.run()
        } catch { throw .storage(error.message) }
        return sqlite3_changes(database.handle) > 0
    }

    /// Deletes the key row `id` when it owns no elements any more; true when
    /// it was deleted. Every command that removes elements ends with this.
    @discardableResult
    package func deleteIfEmpty(id: Int64, type: KeyType) throws(RedisError) -> Bool {
        guard try elementCount(id: id, type: type) == 0 else { return false }
        let remove = try cachedStatement("DELETE FROM keyspace WHERE id = ?1")
        defer { remove.reset() }
        do {
            try remove.bind(1, id)
            try remove.run()
        } catch { throw .storage(error.message) }
        return true
    }

    /// Copies the elements of key row `source` to the new key row `target`,
    /// keeping their order (and so their SCAN order).
    func copyElements(from source: Int64, to target: Int64, type: KeyType) throws(RedisError) {
        let sql: String
        switch type {
        case .string: return
        case .hash:
            sql = "INSERT INTO hash_fields (key_id, field, value) SELECT ?2, field, value FROM hash_fields WHERE key_id = ?1 ORDER BY id"
        case .list:
            sql = "INSERT INTO list_items (key_id, position, value) SELECT ?2, position, value FROM list_items WHERE key_id = ?1 ORDER BY id"
        case .set:
            sql = "INSERT INTO set_members (key_id, member) SELECT ?2, member FROM set_members WHERE key_id = ?1 ORDER BY id"
        case .zset:
            sql = "INSERT INTO zset_members (key_id, member, score) SELECT ?2, member, score FROM zset_members WHERE key_id = ?1 ORDER BY id"
        }
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        do {
            try statement.bind(1, source)
            try statement.bind(2, target)
            try statement.run()
        } catch { throw .storage(error.message) }
    }

    /// The encoding Redis 7.0 would report for a set: `intset` while it has
    /// at most 512 members that are all canonical 64-bit integers
    /// (set-max-intset-entries), else `hashtable`.
    package func setEncoding(id: Int64) throws(RedisError) -> String {
        guard try elementCount(id: id, type: .set) <= Keyspace.intsetEntries else { return "hashtable" }
        // CAST to INTEGER and back gives the same bytes only for a canonical
        // integer (no sign '+', no leading zeros or spaces, no '-0', in range).
        let statement = try cachedStatement("""
            SELECT count(*), coalesce(sum(CAST(CAST(member AS INTEGER) AS BLOB) = CAST(member AS BLOB)), 0)
            FROM set_members WHERE key_id = ?1
            """)
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            guard try statement.step() else { return "intset" }
            let members = statement.int64(0), integers = statement.int64(1)
            return members <= Keyspace.intsetEntries && integers == members ? "intset" : "hashtable"
        } catch { throw .storage(error.message) }
    }

    /// The encoding Redis 7.0 would report for a sorted set: `listpack` while
    /// it has at most 128 members of at most 64 bytes (zset-max-listpack-*),
    /// else `skiplist`.
    package func zsetEncoding(id: Int64) throws(RedisError) -> String {
        let (maxEntries, maxBytes) = (128, 64)
        guard try elementCount(id: id, type: .zset) <= maxEntries else { return "skiplist" }
        let statement = try cachedStatement("""
            SELECT count(*), coalesce(max(length(CAST(member AS BLOB))), 0) FROM zset_members WHERE key_id = ?1
            """)
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            guard try statement.step() else { return "listpack" }
            return statement.int64(0) <= maxEntries && statement.int64(1) <= maxBytes ? "listpack" : "skiplist"
        } catch { throw .storage(error.message) }
    }
}
