import Foundation
import RESP
import Testing

/// SHUTDOWN, MONITOR and LASTSAVE: replies that carry times and addresses,
/// or end the process, checked against what Redis documents and does.
@Suite("SHUTDOWN, MONITOR, LASTSAVE")
struct ServerLifecycleTests {
    @Test("SHUTDOWN closes the connection without a reply, exits 0 and keeps the data")
    func shutdown() throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            let connection = try tally.connect()
            #expect(try connection.call("INCR", "hits") == .integer(1))
            try connection.send(encodeCommand("SHUTDOWN"))
            #expect(try connection.readUntilClose() == [])
            #expect(tally.child.waitForExit(timeout: 20) == .exited(0))

            let again = try TallyProcess(databasePath: database)
            defer { again.stop() }
            #expect(try again.connect().call("GET", "hits") == .bulkString("1"))
        }
    }

    @Test("LASTSAVE is a Unix time in seconds, and SAVE moves it to now")
    func lastsave() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let connection = try tally.connect()
            guard case .integer(let before) = try connection.call("LASTSAVE") else {
                Issue.record("LASTSAVE is not an integer")
                return
            }
            let now = Int64(Date().timeIntervalSince1970)
            #expect(before <= now + 1)
            #expect(try connection.call("SAVE") == .simpleString("OK"))
            guard case .integer(let after) = try connection.call("LASTSAVE") else { return }
            #expect(abs(after - now) <= 5)
            #expect(after >= before)
        }
    }

    @Test("MONITOR streams other clients' commands as Redis formats them")
    func monitor() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            var lines: [String] = []
            for port in [redis.port, tally.port] {
                let watcher = try RESPConnection(port: port)
                #expect(try watcher.call("MONITOR") == .simpleString("OK"))
                let client = try RESPConnection(port: port)
                try client.call("SELECT", "2")
                try client.call("SET", "key", "with \"quote\" and\nnewline")
                // Redis: +<seconds>.<micros> [<db> <addr>] "arg" "arg"…
                var seen: [String] = []
                for _ in 0..<2 {
                    guard case .simpleString(let line) = try RESPConnection.decode(watcher.readReply()) else {
                        Issue.record("MONITOR sent something other than a simple string")
                        return
                    }
                    seen.append(line)
                }
                let masked = seen.map { line -> String in
                    guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { return line }
                    let timestamp = line[..<open].trimmingCharacters(in: .whitespaces)
                    let parts = timestamp.split(separator: ".")
                    let wellFormed = parts.count == 2 && parts[0].allSatisfy(\.isNumber) && parts[1].count == 6 && parts[1].allSatisfy(\.isNumber)
                    let db = line[line.index(after: open)..<close].split(separator: " ").first.map(String.init) ?? "?"
                    return "\(wellFormed ? "<time>" : String(timestamp)) [\(db) <addr>]\(line[line.index(after: close)...])"
                }
                lines.append(masked.joined(separator: "\n"))
            }
            #expect(lines.count == 2 && lines[0] == lines[1], "redis-server:\n\(lines.first ?? "")\ntally-server:\n\(lines.last ?? "")")
        }
    }
}
