import Foundation
import RESP
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Graceful stop: SIGTERM or SIGINT with clients connected and writing ends
/// the process with exit code 0 in under a second, every acknowledged write
/// kept and the WAL checkpointed; a second signal during a slow stop exits at once.
@Suite("Operations: graceful stop", .serialized)
struct OperationsSignalTests {
    @Test("kill -TERM / -INT with clients connected: exit 0 in under 1 s, every acknowledged INCR kept, WAL truncated",
          arguments: [SIGTERM, SIGINT])
    func gracefulStop(signal: Int32) throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            // Idle clients, one mid-frame, one MULTI left open, and writers.
            let idle = try (0..<20).map { _ in try tally.connect() }
            for connection in idle { #expect(try connection.call("PING") == .simpleString("PONG")) }
            let partial = try HardeningSocket(port: tally.port)
            _ = try partial.send(Array("*2\r\n$4\r\nINCR\r\n$4\r\nhi".utf8))
            let transaction = try tally.connect()
            #expect(try transaction.call("MULTI") == .simpleString("OK"))
            #expect(try transaction.call("INCR", "hits") == .simpleString("QUEUED"))

            let port = tally.port
            let acknowledged = Locked(0)
            let writers = ThreadGroup(4) { _ in
                let writer = try RESPConnection(port: port, timeout: 10)
                while true {
                    // An error here is the server closing the connection: the end of the test.
                    guard let reply = try? writer.call("INCR", "hits") else { return }
                    guard case .integer = reply else { throw HarnessError("INCR answered \(reply)") }
                    acknowledged.withLock { $0 += 1 }
                }
            }
            let started = acknowledged.wait(until: Date().addingTimeInterval(10)) { $0 >= 100 }
            try #require(started, "the writers did not get going")

            let (ended, elapsed) = Hardening.timeToExit(tally.child, after: signal, timeout: 10)
            #expect(ended == .exited(0), "after signal \(signal): \(ended.map(\.description) ?? "still running after 10 s")")
            #expect(elapsed < 1, "took \(String(format: "%.3f", elapsed)) s to exit")
            #expect(writers.join(timeout: 15).isEmpty)
            for connection in idle + [transaction] { #expect(try connection.readUntilClose() == []) }
            #expect(try partial.closes(within: 5))
            // The process has exited; its last lines may still be in the pipe.
            tally.child.stdout.waitForEnd(until: Date().addingTimeInterval(5))
            let log = tally.child.stdout.text
            #expect(log.contains("msg=\"shutting down\" signal=\(signal == SIGTERM ? "SIGTERM" : "SIGINT")"), "\(log)")
            #expect(log.contains("level=info msg=stopped"), "\(log)")

            // The WAL was checkpointed into the database and truncated.
            var status = stat()
            let walSize = stat(database + "-wal", &status) == 0 ? Int(status.st_size) : 0
            #expect(walSize == 0, "the WAL still holds \(walSize) bytes after a graceful stop")
            let count = acknowledged.withLock { $0 }
            #expect(try Durability.sqlite(database, "SELECT value FROM keyspace WHERE db = 0 AND key = 'hits'")
                        .trimmingCharacters(in: .whitespacesAndNewlines) == String(count),
                    "every acknowledged INCR (and nothing of the open MULTI or the partial frame) is stored")
        }
    }

    /// How long the sqlite3 reader holds its snapshot: it bounds how long a
    /// stop that waits for it can take (and so these tests, when they fail).
    static let readerSeconds = 6

    /// An sqlite3 shell holding a read transaction on `database` for `readerSeconds`:
    /// the final `wal_checkpoint(TRUNCATE)` has to wait for it, which makes the stop slow.
    static func holdReader(on database: String) throws -> ChildProcess {
        let sqlite = try PackagePaths.tool("sqlite3", package: "sqlite3")
        let reader = try ChildProcess(sqlite, [
            database, "BEGIN;", "SELECT count(*) FROM keyspace;", ".system echo reading", ".system sleep \(readerSeconds)", "COMMIT;",
        ])
        let reading = reader.stdout.wait(until: Date().addingTimeInterval(30)) { bytes in
            String(decoding: bytes, as: UTF8.self).contains("reading") ? true : nil
        }
        guard reading == true else {
            reader.kill()
            throw HarnessError("sqlite3 did not start its read transaction: \(reader.stdout.text) \(reader.stderr.text)")
        }
        return reader
    }

    @Test("a second SIGTERM while the stop is slow (sqlite3 holds a read snapshot) exits at once with code 0")
    func secondSignalDuringSlowStop() throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            let client = try tally.connect()
            for index in 0..<50 { #expect(try client.call("SET", "k\(index)", "v") == .simpleString("OK")) }
            let reader = try Self.holdReader(on: database)
            defer { reader.kill() }

            tally.child.signal(SIGTERM)
            // The stop no longer waits for the reader (the final checkpoint
            // gives up after 100 ms), so it may already be over: then it must
            // have ended cleanly. Otherwise the second signal must end it now.
            if let early = tally.child.waitForExit(timeout: 0.3) {
                #expect(early == .exited(0), "\(early)")
                return
            }
            let (ended, elapsed) = Hardening.timeToExit(tally.child, after: SIGTERM, timeout: 20)
            #expect(ended == .exited(0), "\(ended.map(\.description) ?? "still running 20 s after the second SIGTERM")")
            #expect(elapsed < 0.5, "the second SIGTERM took \(String(format: "%.3f", elapsed)) s to end the process")
        }
    }

    @Test("SIGTERM while sqlite3 holds a read snapshot still exits 0 within a second")
    func stopWithOutsideReader() throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            let client = try tally.connect()
            for index in 0..<50 { #expect(try client.call("SET", "k\(index)", "v") == .simpleString("OK")) }
            let reader = try Self.holdReader(on: database)
            defer { reader.kill() }

            let (ended, elapsed) = Hardening.timeToExit(tally.child, after: SIGTERM, timeout: 20)
            #expect(ended == .exited(0))
            #expect(elapsed < 1, "SIGTERM took \(String(format: "%.3f", elapsed)) s while a reader held a snapshot")
            reader.kill()
            // Whatever the checkpoint could not do, the data is intact.
            #expect(try Durability.sqlite(database, "SELECT count(*) FROM keyspace").trimmingCharacters(in: .whitespacesAndNewlines) == "50")
        }
    }
}
