import CSQLite
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One SQLite connection, owned by one thread (opened with NOMUTEX under
/// that rule). Opening validates the file, switches to WAL and migrates.
package final class Database {
    package let handle: OpaquePointer
    package let path: String

    /// Opens or creates the database at `path`, creating its directory.
    /// Refuses, without writing to it, a file that is not SQLite, another
    /// application's database, or a schema newer than this binary knows.
    package init(path: String, fsync: FsyncPolicy, busyTimeoutMilliseconds: Int32 = 30_000) throws(StoreError) {
        self.path = path
        try Database.createParentDirectory(of: path)
        Database.configureOnce
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let error = SQLiteError(handle: handle, code: code, sql: "open \(path)")
            sqlite3_close(handle)
            throw .sqlite(error)
        }
        self.handle = handle
        setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
        do {
            try checkOwnership()
            try execute("PRAGMA journal_mode=WAL")
            let mode = try queryText("PRAGMA journal_mode")
            guard mode.lowercased() == "wal" else { throw StoreError.walUnavailable(path: path, mode: mode) }
            try execute("PRAGMA synchronous=\(fsync.synchronousPragma)")
            try migrate()
        } catch let error as StoreError {
            sqlite3_close(handle)
            throw error
        } catch let error as SQLiteError {
            sqlite3_close(handle)
            throw .sqlite(error)
        } catch {
            sqlite3_close(handle)
            throw .sqlite(SQLiteError(code: SQLITE_ERROR, message: "\(error)", sql: "open"))
        }
    }

    /// Process-wide SQLite settings, applied before the first connection.
    private static let configureOnce: Void = {
        _ = tally_sqlite3_disable_memstatus()
    }()

    /// How long a statement waits for another process's lock (a `sqlite3`
    /// shell writing) before it fails with SQLITE_BUSY. The wait also ends
    /// at once when SIGTERM or SIGINT is pending, so a stop request is
    /// never stuck behind an outside writer or reader.
    package func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_handler(handle, { context, attempts in
            var pending = sigset_t()
            sigemptyset(&pending)
            sigpending(&pending)
            if sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1 { return 0 }
            // One millisecond per attempt: `attempts` approximates the wait so far.
            guard Int(attempts) < Int(bitPattern: context) else { return 0 }
            usleep(1000)
            return 1
        }, UnsafeMutableRawPointer(bitPattern: Int(max(milliseconds, 1))))
    }

    /// False once `close` has run.
    package private(set) var isOpen = true

    /// Finalizes every statement and closes the connection, so that SQLite
    /// really closes now (checkpointing and deleting the WAL and shared-memory
    /// files when this is the last connection) rather than when the last
    /// `Statement` object happens to go. No statement may be used afterwards.
    package func close() {
        guard isOpen else { return }
        isOpen = false
        while let statement = sqlite3_next_stmt(handle, nil) { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs SQL that returns no rows (several statements allowed).
    package func execute(_ sql: String) throws(SQLiteError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw SQLiteError(handle: handle, code: code, sql: sql) }
    }

    package func makeStatement(sql: String) throws(SQLiteError) -> Statement {
        try Statement(owner: self, sql: sql)
    }

    /// The first column of the first row, as an integer (0 when no row).
    package func queryInt(_ sql: String) throws(SQLiteError) -> Int64 {
        let statement = try makeStatement(sql: sql)
        defer { statement.reset() }
        return try statement.step() ? statement.int64(0) : 0
    }

    package func queryText(_ sql: String) throws(SQLiteError) -> String {
        let statement = try makeStatement(sql: sql)
        defer { statement.reset() }
        return try statement.step() ? statement.text(0) : ""
    }

    /// True while a transaction is open on this connection.
    package var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Refuses files this binary must not touch, reading only.
    private func checkOwnership() throws(StoreError) {
        let version: Int64
        let applicationID: Int64
        let tables: Int64
        do {
            version = try queryInt("PRAGMA user_version")
            applicationID = try queryInt("PRAGMA application_id")
            tables = try queryInt("SELECT count(*) FROM sqlite_schema")
        } catch {
            if error.primaryCode == SQLITE_NOTADB { throw .notADatabase(path: path) }
            throw .sqlite(error)
        }
        if applicationID != 0 && applicationID != Database.applicationID {
            throw .notTallyDatabase(path: path, reason: "application_id \(applicationID)")
        }
        if applicationID == 0 && version == 0 && tables > 0 {
            throw .notTallyDatabase(path: path, reason: "it has tables but no Tally schema version")
        }
        if version > Migration.latestVersion {
            throw .newerSchema(path: path, found: Int(version), known: Migration.latestVersion)
        }
    }

    /// 'TALY', set by the first migration.
    static let applicationID: Int64 = 0x5441_4C59

    /// Applies pending migrations, each in its own write transaction together
    /// with its `user_version` bump, so a crash leaves a whole step or none.
    private func migrate() throws(SQLiteError) {
        for migration in Migration.all {
            try execute("BEGIN IMMEDIATE")
            do {
                // Re-read inside the write lock: another process may have migrated.
                let current = try queryInt("PRAGMA user_version")
                if current >= migration.version {
                    try execute("COMMIT")
                    continue
                }
                try execute(migration.sql)
                try execute("PRAGMA user_version = \(migration.version)")
                try execute("COMMIT")
            } catch {
                try? execute("ROLLBACK")
                throw SQLiteError(code: error.code, message: "migration \(migration.name): \(error.message)", sql: error.sql)
            }
        }
    }

    private static func createParentDirectory(of path: String) throws(StoreError) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .cannotCreateDirectory(path: prefix, errno: errno)
            }
        }
    }
}
