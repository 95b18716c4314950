import CSQLite

/// The typed keyspace over one SQLite connection: the only code that knows
/// the table layout. Every call takes the caller's clock (`now`, Unix ms),
/// and treats keys whose deadline has passed as absent.
///
/// Values are never cached across calls: a write made with `sqlite3` while
/// the server runs is seen by the next command.
package final class Keyspace {
    package let database: Database
    let lookupStatement: Statement
    let upsertStatement: Statement
    let deleteStatement: Statement
    let updateValueStatement: Statement
    let updateOnlyValueStatement: Statement
    let expireStatement: Statement
    private let beginStatement: Statement
    private let beginReadStatement: Statement
    /// True while the open transaction is a write transaction (BEGIN
    /// IMMEDIATE) that SQLite has not rolled back on its own.
    package var isWriteTransaction: Bool { writeTransaction && database.inTransaction }
    private var writeTransaction = false
    /// True when SQLite itself rolled back the write transaction (disk full,
    /// I/O error): it was opened and never committed or rolled back by us.
    package var writeTransactionWasLost: Bool { writeTransaction && !database.inTransaction }
    private let commitStatement: Statement
    private let rollbackStatement: Statement
    /// Told of every key a write modifies (WATCH needs it); nil when nobody
    /// watches, so the hot path pays one nil check.
    package var onKeyModified: ((Int, UnsafeRawBufferPointer) -> Void)?
    /// Told when a database (or, with nil, every database) is flushed.
    package var onFlush: ((Int?) -> Void)?
    /// Statements of the colder paths, prepared on first use.
    private var cache: [String: Statement] = [:]

    package init(database: Database) throws(SQLiteError) {
        self.database = database
        lookupStatement = try database.makeStatement(
            sql: "SELECT id, type, value, expires_at FROM keyspace WHERE db = ?1 AND key = ?2")
        upsertStatement = try database.makeStatement(sql: """
            INSERT INTO keyspace (db, key, type, value, expires_at) VALUES (?1, ?2, 'string', ?3, ?4)
            ON CONFLICT (db, key) DO UPDATE SET type = 'string', value = excluded.value, expires_at = excluded.expires_at,
                length = NULL
            """)
        deleteStatement = try database.makeStatement(sql: "DELETE FROM keyspace WHERE db = ?1 AND key = ?2")
        // Overwriting a live string by row id skips the unique-index search and
        // the upsert's conflict handling: the common case of INCR and SET.
        updateValueStatement = try database.makeStatement(
            sql: "UPDATE keyspace SET type = 'string', value = ?2, expires_at = ?3, length = NULL WHERE id = ?1")
        // INCR and friends keep the type and the deadline: writing only the
        // value also spares the expiry index its upkeep.
        updateOnlyValueStatement = try database.makeStatement(sql: "UPDATE keyspace SET value = ?2 WHERE id = ?1")
        expireStatement = try database.makeStatement(
            sql: "UPDATE keyspace SET expires_at = ?3 WHERE db = ?1 AND key = ?2")
        beginStatement = try database.makeStatement(sql: "BEGIN IMMEDIATE")
        beginReadStatement = try database.makeStatement(sql: "BEGIN DEFERRED")
        commitStatement = try database.makeStatement(sql: "COMMIT")
        rollbackStatement = try database.makeStatement(sql: "ROLLBACK")
    }

    /// A prepared statement for `sql`, made once and kept.
    func cachedStatement(_ sql: String) throws(RedisError) -> Statement {
        if let statement = cache[sql] { return statement }
        do {
            let statement = try database.makeStatement(sql: sql)
            cache[sql] = statement
            return statement
        } catch { throw .storage(error.message) }
    }

    /// Bytes this connection's page cache holds.
    package var cacheBytes: Int64 {
        var current: Int32 = 0, highest: Int32 = 0
        sqlite3_db_status(database.handle, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0)
        return Int64(current)
    }

    // MARK: Transactions

    /// Starts the turn's write transaction, waiting (busy timeout) for a
    /// writer in another process to finish.
    package func beginWrite() throws(SQLiteError) {
        try beginStatement.run()
        writeTransaction = true
    }

    /// Starts a read transaction: one snapshot (and one WAL read lock) for
    /// many reads, instead of one per statement.
    package func beginRead() throws(SQLiteError) {
        try beginReadStatement.run()
        writeTransaction = false
    }

    /// Commits; with `synchronous=FULL` this returns after the WAL fsync.
    package func commit() throws(SQLiteError) {
        try commitStatement.run()
        writeTransaction = false
    }

    package func rollback() {
        if database.inTransaction { try? rollbackStatement.run() }
        writeTransaction = false
    }

    package var inTransaction: Bool { database.inTransaction }

    // MARK: Reading

    /// The live entry at `key`, with its value when it is a string.
    package func lookup(db: Int, key: UnsafeRawBufferPointer, now: Int64) throws(RedisError) -> Entry? {
        let statement = lookupStatement
        defer { statement.reset() }
        do {
            try statement.bind(1, Int64(db))
            try statement.bindKey(2, key)
            guard try statement.step() else { return nil }
        } catch { throw .storage(error.message) }
        let expiresAt = statement.optionalInt64(3)
        if let expiresAt, expiresAt <= now { return nil }
        let type = KeyType(rawValue: statement.text(1)) ?? .string
        var value: StoredValue? = nil
        if type == .string {
            switch statement.columnType(2) {
            case SQLITE_INTEGER: value = .integer(statement.int64(2))
            case SQLITE_NULL: value = .bytes([])
            default: value = .bytes(statement.bytes(2))
            }
        }
        return Entry(id: statement.int64(0), type: type, value: value, expiresAt: expiresAt)
    }

    /// The live string at `key`; WRONGTYPE for another type.
    package func string(db: Int, key: UnsafeRawBufferPointer, now: Int64) throws(RedisError) -> Entry? {
        guard let entry = try lookup(db: db, key: key, now: now) else { return nil }
        guard entry.type == .string else { throw .wrongType }
        return entry
    }

    // MARK: Writing strings

    /// Stores a string value (INTEGER when canonical), replacing any type.
    /// `id` is the live row at `key` when the caller has looked it up; with
    /// `keepsExpiry` the row is a string whose deadline stays `expiresAt`.
    package func set(db: Int, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, expiresAt: Int64?,
                     id: Int64? = nil, keepsExpiry: Bool = false) throws(RedisError) {
        let statement = try prepareWrite(db: db, key: key, expiresAt: expiresAt, id: id, keepsExpiry: keepsExpiry)
        defer { statement.reset() }
        do {
            try statement.bindValue(id == nil ? 3 : 2, value)
            try statement.run()
        } catch { throw .storage(error.message) }
        onKeyModified?(db, key)
    }

    package func set(db: Int, key: UnsafeRawBufferPointer, integer: Int64, expiresAt: Int64?, id: Int64? = nil,
                     keepsExpiry: Bool = false) throws(RedisError) {
        let statement = try prepareWrite(db: db, key: key, expiresAt: expiresAt, id: id, keepsExpiry: keepsExpiry)
        defer { statement.reset() }
        do {
            try statement.bind(id == nil ? 3 : 2, integer)
            try statement.run()
        } catch { throw .storage(error.message) }
        onKeyModified?(db, key)
    }

    /// The update-by-id statement when the row is known, else the upsert,
    /// with everything but the value bound.
    private func prepareWrite(db: Int, key: UnsafeRawBufferPointer, expiresAt: Int64?, id: Int64?,
                              keepsExpiry: Bool) throws(RedisError) -> Statement {
        do {
            if let id, keepsExpiry {
                try updateOnlyValueStatement.bind(1, id)
                return updateOnlyValueStatement
            }
            if let id {
                try updateValueStatement.bind(1, id)
                try updateValueStatement.bind(3, expiresAt)
                return updateValueStatement
            }
            try upsertStatement.bind(1, Int64(db))
            try upsertStatement.bindKey(2, key)
            try upsertStatement.bind(4, expiresAt)
            return upsertStatement
        } catch { throw .storage(error.message) }
    }

    package func set(db: Int, key: UnsafeRawBufferPointer, value: [UInt8], expiresAt: Int64?, id: Int64? = nil,
                     keepsExpiry: Bool = false) throws(RedisError) {
        let result = value.withUnsafeBytes { bytes in
            Result { () throws(RedisError) in
                try set(db: db, key: key, value: bytes, expiresAt: expiresAt, id: id, keepsExpiry: keepsExpiry)
            }
        }
        try result.get()
    }

    /// INCRBY: checked int64 arithmetic that keeps the key's TTL.
    package func increment(db: Int, key: UnsafeRawBufferPointer, by delta: Int64, now: Int64) throws(RedisError) -> Int64 {
        let entry = try string(db: db, key: key, now: now)
        let current: Int64
        switch entry?.value {
        case nil: current = 0
        case .integer(let value)?: current = value
        case .bytes(let bytes)?:
            // A value written as text by an outside writer still counts if canonical.
            guard let value = bytes.withUnsafeBytes({ RedisInteger.parse($0) }) else { throw .notInteger }
            current = value
        }
        let (sum, overflow) = current.addingReportingOverflow(delta)
        if overflow { throw .overflow }
        try set(db: db, key: key, integer: sum, expiresAt: entry?.expiresAt, id: entry?.id, keepsExpiry: true)
        return sum
    }

    /// INCRBYFLOAT: long-double arithmetic, stored and answered as Redis prints it.
    package func incrementFloat(db: Int, key: UnsafeRawBufferPointer, by delta: UnsafeRawBufferPointer, now: Int64) throws(RedisError) -> [UInt8] {
        let entry = try string(db: db, key: key, now: now)
        let current: RedisFloat.LongDouble
        switch entry?.value {
        case nil: current = 0
        case .integer(let value)?: current = RedisFloat.LongDouble(value)
        case .bytes(let bytes)?:
            guard let value = bytes.withUnsafeBytes({ RedisFloat.parse($0) }) else { throw .notFloat }
            current = value
        }
        guard let increment = RedisFloat.parse(delta) else { throw .notFloat }
        let sum = current + increment
        if sum.isNaN || sum.isInfinite { throw .nanOrInfinity }
        let text = RedisFloat.format(sum)
        try set(db: db, key: key, value: text, expiresAt: entry?.expiresAt, id: entry?.id, keepsExpiry: true)
        return text
    }

    // MARK: Keys

    /// Deletes `key`; true when it was live.
    package func delete(db: Int, key: UnsafeRawBufferPointer, now: Int64) throws(RedisError) -> Bool {
        let existed = try lookup(db: db, key: key, now: now) != nil
        // An expired row goes too: it is invisible already.
        try rawDelete(db: db, key: key)
        if existed { onKeyModified?(db, key) }
        return existed
    }

    /// Sets or clears the deadline of an existing key.
    package func setExpiry(db: Int, key: UnsafeRawBufferPointer, expiresAt: Int64?) throws(RedisError) {
        let statement = expireStatement
        defer { statement.reset() }
        do {
            try statement.bind(1, Int64(db))
            try statement.bindKey(2, key)
            try statement.bind(3, expiresAt)
            try statement.run()
        } catch { throw .storage(error.message) }
        onKeyModified?(db, key)
    }
}
