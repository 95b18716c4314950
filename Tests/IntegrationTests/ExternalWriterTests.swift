import Foundation
import RESP
import Testing

/// The database is shared with the sqlite3 shell: while another process holds
/// the write lock the server's writes wait for it (busy timeout) instead of
/// failing, and whatever that process committed is what the next command sees.
@Suite("External writer", .serialized)
struct ExternalWriterTests {
    static let holdSeconds = 2

    @Test("while sqlite3 holds a write transaction for 2 s, the server's writes wait, then all succeed and see its change")
    func writesWaitForExternalTransaction() throws {
        let sqlite = try PackagePaths.tool("sqlite3", package: "sqlite3")
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try connection.call("SET", "x", "1") == .simpleString("OK"))
            #expect(try connection.call("SET", "y", "0") == .simpleString("OK"))

            // The shell takes the write lock, changes x, announces it, holds the
            // lock for holdSeconds (the `sleep` is the scenario, not synchronisation), commits.
            let writer = try ChildProcess(sqlite, [
                database, ".timeout 10000", "BEGIN IMMEDIATE;",
                "UPDATE keyspace SET value = 100 WHERE db = 0 AND key = 'x';",
                ".system echo locked", ".system sleep \(Self.holdSeconds)", "COMMIT;", ".system echo committed",
            ])
            defer { writer.kill() }
            let locked = writer.stdout.wait(until: Date().addingTimeInterval(30)) { bytes in
                String(decoding: bytes, as: UTF8.self).contains("locked") ? true : nil
            }
            try #require(locked == true, "sqlite3 did not take the write lock: \(writer.stdout.text) \(writer.stderr.text)")
            let lockedAt = Durability.now()

            // 5 clients × 4 INCR y, plus SET and HINCRBY, sent while the lock is held.
            let port = tally.port
            let firstReplyDelays = Locked<[Double]>([])
            let errors = onThreads(5) { index in
                let client = try RESPConnection(port: port, timeout: 60)
                for step in 0..<4 {
                    let reply = try client.call("INCR", "y")
                    guard case .integer = reply else { throw HarnessError("INCR y answered \(reply) during the external transaction") }
                    if step == 0 { firstReplyDelays.withLock { $0.append(Durability.now() - lockedAt) } }
                }
                let set = try client.call("SET", "z\(index)", "v\(index)")
                guard set == .simpleString("OK") else { throw HarnessError("SET answered \(set)") }
                let hash = try client.call("HINCRBY", "h", "f", "1")
                guard case .integer = hash else { throw HarnessError("HINCRBY answered \(hash)") }
            }
            #expect(errors.isEmpty, "\(errors)")
            let delays = firstReplyDelays.withLock { $0 }
            print("external writer: first replies arrived \(delays.sorted().map { String(format: "%.2f", $0) }) s after the lock was taken")
            #expect(delays.count == 5)
            // Each first INCR was sent while the lock was held, so none can be answered
            // before the lock's end, holdSeconds after "locked" (half of it is slack for a
            // slow machine; a server that did not wait answers within milliseconds).
            #expect(delays.allSatisfy { $0 >= Double(Self.holdSeconds) / 2 }, "a write was answered while sqlite3 held the lock: \(delays)")

            #expect(writer.waitForExit(timeout: 30) == .exited(0), "sqlite3: \(writer.stderr.text)")
            #expect(writer.stdout.text.contains("committed"))

            #expect(try connection.call("GET", "y") == .bulkString("20"))
            #expect(try connection.call("HGET", "h", "f") == .bulkString("5"))
            for index in 0..<5 {
                #expect(try connection.call("GET", "z\(index)") == .bulkString("v\(index)"))
            }
            // The change sqlite3 committed is what the next commands see.
            #expect(try connection.call("GET", "x") == .bulkString("100"))
            #expect(try connection.call("INCR", "x") == .integer(101))
            #expect(try Durability.sqlite(database, "SELECT value FROM keyspace WHERE db = 0 AND key = 'x'") == "101\n")
        }
    }

    @Test("changes made with sqlite3 between commands (update, insert, delete) are seen by the next command")
    func externalChangesSeenAtOnce() throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try connection.call("INCR", "hits") == .integer(1))
            #expect(try connection.call("SET", "gone", "soon") == .simpleString("OK"))
            #expect(try connection.call("GET", "hits") == .bulkString("1"))

            try Durability.sqlite(database, "UPDATE keyspace SET value = 41 WHERE db = 0 AND key = 'hits'")
            #expect(try connection.call("GET", "hits") == .bulkString("41"))
            #expect(try connection.call("INCR", "hits") == .integer(42))

            try Durability.sqlite(database, "INSERT INTO keyspace (db, key, type, value) VALUES (0, 'made', 'string', 7)")
            #expect(try connection.call("INCR", "made") == .integer(8))

            try Durability.sqlite(database, "DELETE FROM keyspace WHERE db = 0 AND key = 'gone'")
            #expect(try connection.call("GET", "gone") == .null)
            #expect(try connection.call("EXISTS", "gone") == .integer(0))
            #expect(try Durability.sqlite(database, "SELECT value FROM counters WHERE key = 'hits'") == "42\n")
        }
    }
}
