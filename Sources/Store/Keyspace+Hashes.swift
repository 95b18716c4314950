import CSQLite

/// Hash storage: the key's row in `keyspace` (type 'hash') and one row per
/// field in `hash_fields`. An emptied hash is deleted, as in Redis.
extension Keyspace {
    /// The row id of the live hash at `key`; WRONGTYPE for another type. With
    /// `create`, a missing (or expired) key becomes a new empty hash.
    package func hashID(db: Int, key: UnsafeRawBufferPointer, now: Int64, create: Bool) throws(RedisError) -> Int64? {
        try collectionID(db: db, key: key, now: now, type: .hash, create: create)
    }

    /// The value of one field, nil when absent.
    package func hashField(id: Int64, field: UnsafeRawBufferPointer) throws(RedisError) -> StoredValue? {
        let statement = try cachedStatement("SELECT value FROM hash_fields WHERE key_id = ?1 AND field = ?2")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bindKey(2, field)
            guard try statement.step() else { return nil }
        } catch { throw .storage(error.message) }
        return storedValue(statement, 0)
    }

    /// Sets one field; true when the field is new.
    @discardableResult
    package func setHashField(db: Int, key: UnsafeRawBufferPointer, id: Int64, field: UnsafeRawBufferPointer,
                              value: UnsafeRawBufferPointer) throws(RedisError) -> Bool {
        let isNew = try hashField(id: id, field: field) == nil
        let statement = try cachedStatement("""
            INSERT INTO hash_fields (key_id, field, value) VALUES (?1, ?2, ?3)
            ON CONFLICT (key_id, field) DO UPDATE SET value = excluded.value
            """)
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bindKey(2, field)
            try statement.bindValue(3, value)
            try statement.run()
        } catch { throw .storage(error.message) }
        onKeyModified?(db, key)
        return isNew
    }

    package func setHashField(db: Int, key: UnsafeRawBufferPointer, id: Int64, field: UnsafeRawBufferPointer,
                              value: [UInt8]) throws(RedisError) {
        try value.withUnsafeBytes { bytes in
            Result { () throws(RedisError) in _ = try setHashField(db: db, key: key, id: id, field: field, value: bytes) }
        }.get()
    }

    /// Deletes one field; true when it existed. Deletes the key once empty.
    package func deleteHashField(db: Int, key: UnsafeRawBufferPointer, id: Int64, field: UnsafeRawBufferPointer) throws(RedisError) -> Bool {
        let statement = try cachedStatement("DELETE FROM hash_fields WHERE key_id = ?1 AND field = ?2")
        do {
            try statement.bind(1, id)
            try statement.bindKey(2, field)
            try statement.run()
        } catch { throw .storage(error.message) }
        let removed = sqlite3_changes(database.handle) > 0
        if removed {
            onKeyModified?(db, key)
            try deleteIfEmpty(id: id, type: .hash)
        }
        return removed
    }

    package func hashLength(id: Int64) throws(RedisError) -> Int {
        try elementCount(id: id, type: .hash)
    }

    /// Every field and value, in insertion order.
    package func hashEntries(id: Int64) throws(RedisError) -> [(field: [UInt8], value: StoredValue)] {
        let statement = try cachedStatement("SELECT field, value FROM hash_fields WHERE key_id = ?1 ORDER BY id")
        defer { statement.reset() }
        var entries: [(field: [UInt8], value: StoredValue)] = []
        do {
            try statement.bind(1, id)
            while try statement.step() { entries.append((statement.bytes(0), storedValue(statement, 1))) }
        } catch { throw .storage(error.message) }
        return entries
    }

    /// One HSCAN step over field row ids after `cursor` (0 when complete).
    package func hashScan(id: Int64, cursor: Int64, count: Int) throws(RedisError) -> (next: Int64, entries: [(field: [UInt8], value: StoredValue)]) {
        let statement = try cachedStatement("""
            SELECT id, field, value FROM hash_fields WHERE key_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3
            """)
        defer { statement.reset() }
        var entries: [(field: [UInt8], value: StoredValue)] = []
        var last: Int64 = 0
        do {
            try statement.bind(1, id)
            try statement.bind(2, cursor)
            try statement.bind(3, Int64(count))
            while try statement.step() {
                last = statement.int64(0)
                entries.append((statement.bytes(1), storedValue(statement, 2)))
            }
        } catch { throw .storage(error.message) }
        return (entries.count < count ? 0 : last, entries)
    }

    /// A stored column as a string value: INTEGER stays a number.
    func storedValue(_ statement: Statement, _ column: Int32) -> StoredValue {
        statement.columnType(column) == SQLITE_INTEGER ? .integer(statement.int64(column)) : .bytes(statement.bytes(column))
    }
}
