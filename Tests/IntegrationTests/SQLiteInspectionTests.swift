import Foundation
import Testing

/// People read counts with the sqlite3 shell while the server runs.
@Suite("sqlite3 inspection")
struct SQLiteInspectionTests {
    @Test("`select value, typeof(value) from counters where key='hits'` prints 3|integer while the server runs")
    func countersView() throws {
        let sqlite = try PackagePaths.tool("sqlite3", package: "sqlite3")
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            defer { tally.stop() }
            let connection = try tally.connect()
            for expected in 1...3 { #expect(try connection.call("INCR", "hits") == .integer(Int64(expected))) }
            #expect(try connection.call("SET", "text", "abc") == .simpleString("OK"))
            #expect(try connection.call("SET", "padded", "007") == .simpleString("OK"))

            let hits = try runProgram(sqlite, [database, "select value, typeof(value) from counters where key='hits'"])
            #expect(hits.termination == .exited(0), "\(hits.stderr)")
            #expect(hits.stdout == "3|integer\n")
            // Only canonical integers are counters; '007' stays the bytes that were SET.
            let keys = try runProgram(sqlite, [database, "select key from counters order by key"])
            #expect(keys.stdout == "hits\n")

            // The server sees the next command after the shell wrote nothing; and its own next write.
            #expect(try connection.call("INCR", "hits") == .integer(4))
            #expect(try runProgram(sqlite, [database, "select value from counters where key='hits'"]).stdout == "4\n")
        }
    }
}
