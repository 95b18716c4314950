import CSQLite

/// Creates (or opens) an SQLite file without Tally's code and runs `sql` on
/// it, as another application or an older/newer Tally would have.
func runRawSQLite(path: String, _ sql: String) throws {
    var handle: OpaquePointer?
    guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let handle else {
        sqlite3_close(handle)
        throw RawSQLiteError(message: "open \(path) failed")
    }
    defer { sqlite3_close(handle) }
    var message: UnsafeMutablePointer<CChar>?
    guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
        defer { sqlite3_free(message) }
        throw RawSQLiteError(message: message.map { String(cString: $0) } ?? "exec failed")
    }
}

/// The first column of the first row of `sql`, read with a fresh connection.
func rawSQLiteInt(path: String, _ sql: String) throws -> Int64? {
    var handle: OpaquePointer?
    guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let handle else {
        sqlite3_close(handle)
        throw RawSQLiteError(message: "open \(path) failed")
    }
    defer { sqlite3_close(handle) }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
        throw RawSQLiteError(message: String(cString: sqlite3_errmsg(handle)))
    }
    defer { sqlite3_finalize(statement) }
    return sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : nil
}

struct RawSQLiteError: Error { let message: String }
