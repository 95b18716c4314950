import Foundation
import RESP
import Testing

/// SAVE and BGSAVE fold the WAL into the database file. They commit the
/// turn's open write transaction first, so the writes before them in the same
/// turn are stored, and their replies must say so.
@Suite("Persistence checkpoint", .serialized)
struct PersistenceCheckpointTests {
    @Test("SAVE/BGSAVE in the same turn as writes: the writes are stored and answered as successes", arguments: [
        ("SAVE", "OK"), ("BGSAVE", "Background saving started"),
    ])
    func checkpointInAWriteTurn(command: String, reply: String) throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            defer { tally.stop() }
            let connection = try tally.connect()
            // One send, so that all three commands are read and run in one turn.
            let replies = try connection.pipeline([["INCR", "a"], [command], ["INCR", "a"]])
            #expect(replies.count == 3)
            #expect(try connection.call("GET", "a") == .bulkString("2"), "both INCRs are stored")
            // The first INCR was committed by the checkpoint: an error reply would make a client retry it and count twice.
            #expect(replies.first == .integer(1), "INCR before \(command) in the same turn answered \(replies.first.map(String.init(describing:)) ?? "nothing") although it was stored")
            #expect(replies.dropFirst().first == .simpleString(reply))
            #expect(replies.last == .integer(2))
            #expect(try Durability.sqlite(database, "SELECT value FROM keyspace WHERE db = 0 AND key = 'a'") == "2\n")
        }
    }

    @Test("another client's BGSAVE in the same turn does not turn this client's committed writes into errors")
    func checkpointFromAnotherClient() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let port = tally.port
            let errors = Locked<[String]>([])
            let acknowledged = Locked(0)
            // 10 writers and one client sending BGSAVE back to back; bounded loops.
            let failures = onThreads(11) { index in
                let connection = try RESPConnection(port: port)
                for _ in 0..<200 {
                    if index == 10 {
                        _ = try connection.call("BGSAVE")
                        continue
                    }
                    let reply = try connection.call("INCR", "hits")
                    if case .integer = reply { acknowledged.withLock { $0 += 1 } } else {
                        errors.withLock { $0.append("\(reply)") }
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures)")
            let wrong = errors.withLock { $0 }
            let stored = try tally.connect().call("GET", "hits")
            #expect(stored == .bulkString("2000"), "all 2000 INCRs are stored")
            #expect(wrong.isEmpty, "\(wrong.count) of 2000 stored INCRs were answered with errors, e.g. \(wrong.first ?? "")")
        }
    }
}
