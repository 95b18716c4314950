import Testing
@testable import Store

/// Opening, creating, migrating and refusing database files.
@Suite struct DatabaseTests {
    @Test func openCreatesMissingDirectoriesAndFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("a/b/c/tally.db")
        #expect(!fileExists(directory.file("a")))
        let database = try Database(path: path, fsync: .always)
        defer { database.close() }
        #expect(fileExists(directory.file("a/b/c")))
        #expect(fileExists(path))
    }

    @Test func openSwitchesToWriteAheadLogging() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.database.queryText("PRAGMA journal_mode") == "wal")
    }

    @Test(arguments: [(FsyncPolicy.always, Int64(2)), (.everysec, Int64(1)), (.no, Int64(1))])
    func fsyncPolicySetsSynchronous(policy: FsyncPolicy, synchronous: Int64) throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("tally.db"), fsync: policy)
        defer { database.close() }
        // PRAGMA synchronous answers 2 for FULL and 1 for NORMAL.
        #expect(try database.queryInt("PRAGMA synchronous") == synchronous)
    }

    @Test func openMigratesToTheLatestVersionAndMarksTheFile() throws {
        let fixture = try StoreFixture()
        #expect(Migration.latestVersion >= 1)
        #expect(Migration.latestVersion == Migration.all.count)
        #expect(try fixture.database.queryInt("PRAGMA user_version") == Int64(Migration.latestVersion))
        // 'TALY'
        #expect(try fixture.database.queryInt("PRAGMA application_id") == 0x5441_4C59)
        #expect(try fixture.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'keyspace' AND type = 'table'") == "1")
        #expect(try fixture.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'counters' AND type = 'view'") == "1")
    }

    @Test func migrationsAreNumberedFromOneWithoutGaps() {
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        for migration in Migration.all {
            #expect(migration.name.hasSuffix(".sql"))
            #expect(!migration.sql.isEmpty)
        }
    }

    @Test func reopeningIsIdempotentAndKeepsData() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("tally.db")
        do {
            let database = try Database(path: path, fsync: .always)
            let keyspace = try Keyspace(database: database)
            try Array("hits".utf8).withUnsafeBytes { key in
                _ = try keyspace.increment(db: 0, key: key, by: 41, now: 0)
            }
            database.close()
        }
        for _ in 0..<2 {
            let database = try Database(path: path, fsync: .always)
            defer { database.close() }
            #expect(try database.queryInt("PRAGMA user_version") == Int64(Migration.latestVersion))
            #expect(try database.queryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'keyspace'") == 1)
            let keyspace = try Keyspace(database: database)
            let entry = try Array("hits".utf8).withUnsafeBytes { try keyspace.lookup(db: 0, key: $0, now: 0) }
            #expect(entry?.value == .integer(41))
        }
    }

    @Test func reopeningAnUpToDateFileChangesNothing() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("tally.db")
        let schema: String
        do {
            let database = try Database(path: path, fsync: .always)
            schema = try database.queryText("SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), ';') FROM sqlite_schema")
            database.close()
        }
        let before = try FileSnapshot(path: path)
        let database = try Database(path: path, fsync: .always)
        #expect(try database.queryText("SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), ';') FROM sqlite_schema") == schema)
        database.close()
        #expect(try FileSnapshot(path: path) == before)
    }

    @Test(arguments: [
        ("text", Array("This is not an SQLite database, just text.\n".utf8)),
        ("4 KiB of pattern", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }),
        ("broken header", Array("SQLite format 2\0".utf8) + [UInt8](repeating: 0xAB, count: 1008)),
    ])
    func refusesAFileThatIsNotSQLite(name: String, contents: [UInt8]) throws {
        let directory = TemporaryDirectory()
        let path = directory.file("tally.db")
        try writeFile(path, contents)
        let before = try FileSnapshot(path: path)
        let error = #expect(throws: StoreError.self) { try Database(path: path, fsync: .always) }
        guard case .notADatabase(let reported)? = error else {
            Issue.record("expected .notADatabase, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(try FileSnapshot(path: path) == before)
        #expect(!fileExists(path + "-wal"))
        #expect(!fileExists(path + "-journal"))
    }

    @Test func refusesANewerSchemaWithoutTouchingTheFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("tally.db")
        let newer = Migration.latestVersion + 1
        try runRawSQLite(path: path, """
            PRAGMA application_id = 1413565529;
            CREATE TABLE keyspace (id INTEGER PRIMARY KEY, something_new TEXT);
            PRAGMA user_version = \(newer);
            """)
        let before = try FileSnapshot(path: path)
        let error = #expect(throws: StoreError.self) { try Database(path: path, fsync: .always) }
        guard case .newerSchema(let reported, let found, let known)? = error else {
            Issue.record("expected .newerSchema, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(found == newer)
        #expect(known == Migration.latestVersion)
        #expect(try FileSnapshot(path: path) == before)
        #expect(try rawSQLiteInt(path: path, "PRAGMA user_version") == Int64(newer))
    }

    @Test func refusesANewerSchemaOfAWriteAheadLoggedTallyFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("tally.db")
        let newer = Migration.latestVersion + 5
        do {
            let database = try Database(path: path, fsync: .always)
            try database.execute("PRAGMA user_version = \(newer)")
            database.close()
        }
        let before = try FileSnapshot(path: path)
        let error = #expect(throws: StoreError.self) { try Database(path: path, fsync: .always) }
        guard case .newerSchema(_, let found, let known)? = error else {
            Issue.record("expected .newerSchema, got \(String(describing: error))")
            return
        }
        #expect(found == newer)
        #expect(known == Migration.latestVersion)
        #expect(try FileSnapshot(path: path) == before)
    }

    @Test func refusesAnotherApplicationsDatabaseWithTablesButNoVersion() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("other.db")
        try runRawSQLite(path: path, """
            CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER);
            INSERT INTO invoices (amount) VALUES (100), (250);
            """)
        let before = try FileSnapshot(path: path)
        let error = #expect(throws: StoreError.self) { try Database(path: path, fsync: .always) }
        guard case .notTallyDatabase(let reported, _)? = error else {
            Issue.record("expected .notTallyDatabase, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(try FileSnapshot(path: path) == before)
        #expect(try rawSQLiteInt(path: path, "SELECT count(*) FROM sqlite_schema WHERE name = 'keyspace'") == 0)
    }

    @Test func refusesADatabaseWithAnotherApplicationID() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("other.db")
        // Version 1 and no tables: only the application id tells it apart.
        try runRawSQLite(path: path, "PRAGMA application_id = 42; PRAGMA user_version = 1;")
        let before = try FileSnapshot(path: path)
        let error = #expect(throws: StoreError.self) { try Database(path: path, fsync: .always) }
        guard case .notTallyDatabase(let reported, _)? = error else {
            Issue.record("expected .notTallyDatabase, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(try FileSnapshot(path: path) == before)
    }

    @Test func adoptsAnEmptyFile() throws {
        // A zero-length file is an empty SQLite database: nothing to lose.
        let directory = TemporaryDirectory()
        let path = directory.file("tally.db")
        try writeFile(path, [])
        let database = try Database(path: path, fsync: .always)
        defer { database.close() }
        #expect(try database.queryInt("PRAGMA user_version") == Int64(Migration.latestVersion))
    }

    @Test func refusalMessagesNameTheFile() {
        let errors: [StoreError] = [
            .notADatabase(path: "/x/t.db"),
            .notTallyDatabase(path: "/x/t.db", reason: "application_id 42"),
            .newerSchema(path: "/x/t.db", found: 9, known: 1),
        ]
        for error in errors { #expect(error.description.contains("/x/t.db")) }
        #expect(StoreError.newerSchema(path: "/x/t.db", found: 9, known: 1).description.contains("9"))
    }
}
