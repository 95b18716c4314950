import Foundation
import RESP
import Testing

@Suite("Durability", .serialized)
struct DurabilityTests {
    @Test("a restart keeps every value, its type and its expiry; SIGTERM exits 0")
    func restartKeepsValues() throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let first = try TallyProcess(databasePath: database)
            let connection = try first.connect()
            for expected in 1...3 {
                #expect(try connection.call("INCR", "hits") == .integer(Int64(expected)))
            }
            #expect(try connection.rawCall([Array("SET".utf8), Array("blob".utf8), [0, 1, 0xff, 13, 10]]) == Array("+OK\r\n".utf8))
            #expect(try connection.call("SET", "text", "01") == .simpleString("OK"))
            #expect(try connection.call("SETEX", "ttl", "1000", "v") == .simpleString("OK"))
            #expect(try connection.call("SELECT", "7") == .simpleString("OK"))
            #expect(try connection.call("SET", "in7", "seven") == .simpleString("OK"))
            connection.close()
            #expect(first.stop() == .exited(0))

            let second = try TallyProcess(databasePath: database)
            defer { second.stop() }
            let again = try second.connect()
            #expect(try again.call("GET", "hits") == .bulkString("3"))
            #expect(try again.rawCall([Array("GET".utf8), Array("blob".utf8)]) == Array("$5\r\n\u{0}\u{1}".utf8) + [0xff, 13, 10, 13, 10])
            #expect(try again.call("GET", "text") == .bulkString("01"))
            guard case .integer(let ttl) = try again.call("TTL", "ttl") else {
                Issue.record("TTL did not answer an integer")
                return
            }
            #expect((990...1000).contains(ttl))
            #expect(try again.call("GET", "in7") == .null)
            #expect(try again.call("SELECT", "7") == .simpleString("OK"))
            #expect(try again.call("GET", "in7") == .bulkString("seven"))
            #expect(try again.call("SELECT", "0") == .simpleString("OK"))
            #expect(try again.call("INCR", "hits") == .integer(4))
        }
    }

    @Test("kill -9 under a 20-client INCR load loses no acknowledged INCR and leaves a sound database")
    func killNineLosesNothingAcknowledged() throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            let port = tally.port
            struct Progress { var acknowledged = 0; var highest: Int64 = 0 }
            let progress = Locked(Progress())
            let load = ThreadGroup(20) { _ in
                let connection = try RESPConnection(port: port)
                // Bounded: ends when the server dies, or after 100,000 increments.
                for _ in 0..<100_000 {
                    guard let reply = try? connection.call("INCR", "hits") else { return }
                    guard case .integer(let value) = reply else { throw HarnessError("INCR answered \(reply)") }
                    progress.withLock {
                        $0.acknowledged += 1
                        $0.highest = max($0.highest, value)
                    }
                }
            }
            // Kill in the middle of the load: once 3,000 increments were acknowledged.
            let loaded = progress.wait(until: Date().addingTimeInterval(60)) { $0.acknowledged >= 3000 }
            #expect(loaded, "the load did not reach 3,000 acknowledged INCRs")
            #expect(tally.kill() == .signalled(SIGKILL))
            let errors = load.join(timeout: 60)
            #expect(errors.isEmpty, "\(errors)")
            let (acknowledged, highest) = progress.withLock { ($0.acknowledged, $0.highest) }

            let sqlite = try PackagePaths.tool("sqlite3", package: "sqlite3")
            let check = try runProgram(sqlite, [database, "PRAGMA integrity_check"])
            #expect(check.termination == .exited(0))
            #expect(check.stdout == "ok\n", "integrity_check: \(check.stdout) \(check.stderr)")

            let restarted = try TallyProcess(databasePath: database)
            defer { restarted.stop() }
            guard case .bulkString(let bytes) = try restarted.connect().call("GET", "hits"),
                  let stored = Int64(String(decoding: bytes, as: UTF8.self)) else {
                Issue.record("GET hits after the restart is not a number")
                return
            }
            // Every acknowledged INCR is stored; at most one unacknowledged INCR per client may be too.
            #expect(stored >= highest, "stored \(stored) < highest acknowledged \(highest)")
            #expect(stored <= Int64(acknowledged + 20), "stored \(stored) > \(acknowledged) acknowledged + 20 in flight")
        }
    }
}
