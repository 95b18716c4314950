import CSQLite

/// SQLite's SQLITE_TRANSIENT: makes SQLite copy bound bytes before returning.
let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
/// SQLite's SQLITE_STATIC: SQLite reads the caller's bytes in place, so they
/// must stay valid until the statement is reset. Every `Keyspace` method
/// binds, steps and resets within the call that lends it the bytes, which is
/// what makes this safe, and saves a copy (a malloc) per key and value.
let staticDestructor = unsafeBitCast(0, to: sqlite3_destructor_type.self)

/// A prepared statement: prepared once, then bound, stepped and reset per use.
///
/// Owned by one connection on one thread, like the handle it was made from.
package final class Statement {
    private let handle: OpaquePointer
    private let database: OpaquePointer
    /// The connection's owner, asked at deinit whether the statement is still
    /// SQLite's to finalize (Database.close finalizes every statement).
    private let owner: Database
    package let sql: String

    init(owner: Database, sql: String) throws(SQLiteError) {
        let database = owner.handle
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(handle: database, code: code, sql: sql)
        }
        self.handle = statement
        self.database = database
        self.owner = owner
        self.sql = sql
    }

    deinit {
        if owner.isOpen { sqlite3_finalize(handle) }
    }

    private func check(_ code: Int32) throws(SQLiteError) {
        guard code == SQLITE_OK else { throw SQLiteError(handle: database, code: code, sql: sql) }
    }

    package func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    package func bind(_ index: Int32, _ value: Int64?) throws(SQLiteError) {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    package func bind(_ index: Int32, _ value: Double) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    package func bindNull(_ index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds bytes in place (SQLITE_STATIC): they must outlive the next `reset`.
    package func bindText(_ index: Int32, _ bytes: UnsafeRawBufferPointer) throws(SQLiteError) {
        // A zero-length text still needs a non-null pointer, or SQLite binds NULL.
        let pointer = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        try check(sqlite3_bind_text(handle, index, pointer.assumingMemoryBound(to: CChar.self),
                                    Int32(bytes.count), staticDestructor))
    }

    package func bindText(_ index: Int32, _ text: String) throws(SQLiteError) {
        var text = text
        let code = text.withUTF8 { buffer in
            sqlite3_bind_text(handle, index, UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                .assumingMemoryBound(to: CChar.self), Int32(buffer.count), transientDestructor)
        }
        try check(code)
    }

    package func bindBlob(_ index: Int32, _ bytes: UnsafeRawBufferPointer) throws(SQLiteError) {
        if bytes.count == 0 {
            try check(sqlite3_bind_zeroblob(handle, index, 0))
        } else {
            try check(sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), staticDestructor))
        }
    }

    /// Binds a Redis key: TEXT when it is valid UTF-8, BLOB otherwise, the
    /// same rule on every path so that lookups match what was stored.
    package func bindKey(_ index: Int32, _ key: UnsafeRawBufferPointer) throws(SQLiteError) {
        if isValidUTF8(key) { try bindText(index, key) } else { try bindBlob(index, key) }
    }

    /// Binds a string value: INTEGER when it is a canonical int64, BLOB otherwise.
    package func bindValue(_ index: Int32, _ value: UnsafeRawBufferPointer) throws(SQLiteError) {
        if let integer = RedisInteger.parse(value) { try bind(index, integer) } else { try bindBlob(index, value) }
    }

    /// Steps once: true when a row is available, false when done.
    package func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(handle: database, code: code, sql: sql)
        }
    }

    /// Steps to completion, ignoring rows.
    package func run() throws(SQLiteError) {
        defer { reset() }
        while try step() {}
    }

    /// Resets and clears bindings, ready for the next use.
    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    package func columnType(_ index: Int32) -> Int32 { sqlite3_column_type(handle, index) }
    package func isNull(_ index: Int32) -> Bool { columnType(index) == SQLITE_NULL }
    package func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    package func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }
    package func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// The column's bytes (TEXT or BLOB; other types as SQLite's text form).
    package func bytes(_ index: Int32) -> [UInt8] {
        withBytes(index) { Array($0) }
    }

    /// Calls `body` with the column's bytes, valid only during the call.
    package func withBytes<R>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let type = sqlite3_column_type(handle, index)
        let pointer: UnsafeRawPointer? = type == SQLITE_BLOB
            ? sqlite3_column_blob(handle, index)
            : sqlite3_column_text(handle, index).map { UnsafeRawPointer($0) }
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeRawBufferPointer(start: count == 0 ? nil : pointer, count: count))
    }

    package func text(_ index: Int32) -> String {
        withBytes(index) { String(decoding: $0, as: UTF8.self) }
    }
}
