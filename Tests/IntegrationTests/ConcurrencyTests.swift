import Foundation
import RESP
import Testing

@Suite("Concurrent clients", .serialized)
struct ConcurrencyTests {
    @Test("50 concurrent clients × 1000 INCR = exactly 50,000, each reply given once")
    func fiftyClientsIncrement() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let clients = 50, increments = 1000
            let replies = Locked<[Int64]>([])
            let port = tally.port
            let errors = onThreads(clients) { _ in
                let connection = try RESPConnection(port: port)
                var mine: [Int64] = []
                mine.reserveCapacity(increments)
                for _ in 0..<increments {
                    guard case .integer(let value) = try connection.call("INCR", "hits") else {
                        throw HarnessError("INCR did not answer an integer")
                    }
                    mine.append(value)
                }
                replies.withLock { $0 += mine }
            }
            #expect(errors.isEmpty, "\(errors)")
            let connection = try tally.connect()
            #expect(try connection.call("GET", "hits") == .bulkString("50000"))
            let all = replies.withLock { $0 }.sorted()
            #expect(all.count == clients * increments)
            // Atomic increments: every value from 1 to 50,000 was answered exactly once.
            let expected = Array(1...Int64(clients * increments))
            let mismatch = zip(all, expected).first { $0 != $1 }
            #expect(mismatch == nil, "replies are not 1...50000 once each; first mismatch (got, expected): \(String(describing: mismatch))")
        }
    }
}
