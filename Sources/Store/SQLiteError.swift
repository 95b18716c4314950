import CSQLite

/// A failed SQLite call, with the context needed to act on it.
package struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`sqlite3_extended_errcode`).
    package let code: Int32
    /// `sqlite3_errmsg`, read right after the failed call.
    package let message: String
    /// The SQL that failed, or the operation when there is no SQL.
    package let sql: String

    package init(code: Int32, message: String, sql: String) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// Reads the error state of `handle` right after a failed call.
    init(handle: OpaquePointer?, code: Int32, sql: String) {
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        self.init(code: handle.map { sqlite3_extended_errcode($0) } ?? code, message: message, sql: sql)
    }

    /// The primary result code (`SQLITE_BUSY`, `SQLITE_FULL`, …).
    package var primaryCode: Int32 { code & 0xff }

    package var description: String { "\(message) (SQLite code \(code)) in: \(sql)" }
}

/// Why the store refused to open or use a database file.
package enum StoreError: Error, CustomStringConvertible, Sendable {
    case sqlite(SQLiteError)
    case cannotCreateDirectory(path: String, errno: Int32)
    case notADatabase(path: String)
    case notTallyDatabase(path: String, reason: String)
    case newerSchema(path: String, found: Int, known: Int)
    case walUnavailable(path: String, mode: String)

    package var description: String {
        switch self {
        case .sqlite(let error):
            return error.description
        case .cannotCreateDirectory(let path, let errno):
            return "cannot create directory \(path): \(String(cString: strerror(errno)))"
        case .notADatabase(let path):
            return "\(path) is not an SQLite database; refusing to touch it"
        case .notTallyDatabase(let path, let reason):
            return "\(path) is not a Tally database (\(reason)); refusing to touch it"
        case .newerSchema(let path, let found, let known):
            return "\(path) has schema version \(found), newer than this binary knows (\(known)); refusing to open it"
        case .walUnavailable(let path, let mode):
            return "\(path): could not switch to WAL journal mode (got \(mode))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
