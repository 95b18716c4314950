import Foundation
import RESP
import Testing

/// 100,000 keys expiring within one second: the sweep removes every row
/// while another client's PINGs keep being answered.
@Suite("Expiry", .serialized)
struct ExpiryTests {
    static let keys = 100_000
    static let writers = 4
    static let batch = 1000
    /// How long after the start of loading the first key expires; loading must fit in it.
    static let leadMilliseconds: Int64 = 6000
    /// Loose bounds, because the tests share two cores with other suites: one
    /// PING's round trip while the keys expire (measured: under 20 ms alone,
    /// under 200 ms beside the other suites), and how long after the last
    /// deadline the last row may remain (measured: about 0.4 s).
    static let stallBoundSeconds = 1.0
    static let sweepBoundSeconds = 10.0

    @Test("100k keys expiring within ~1 s are all swept (DBSIZE 0, no rows left) while PINGs stay answered")
    func massExpiry() throws {
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            let tally = try TallyProcess(databasePath: database)
            defer { tally.stop() }
            let port = tally.port

            // Deadlines spread over one second, starting leadMilliseconds from now.
            let loadStart = Durability.wallMilliseconds()
            let firstDeadline = loadStart + Self.leadMilliseconds
            let perWriter = Self.keys / Self.writers
            let loadErrors = onThreads(Self.writers) { writer in
                let connection = try RESPConnection(port: port, timeout: 60)
                for start in stride(from: writer * perWriter, to: (writer + 1) * perWriter, by: Self.batch) {
                    let now = Durability.wallMilliseconds()
                    let commands = (start..<start + Self.batch).map { key -> [String] in
                        let milliseconds = max(1, firstDeadline + Int64(key % 1000) - now)
                        return ["SET", "exp:\(key)", "v", "PX", String(milliseconds)]
                    }
                    let replies = try connection.pipeline(commands)
                    guard replies.allSatisfy({ $0 == .simpleString("OK") }) else {
                        throw HarnessError("SET … PX answered \(replies.first { $0 != .simpleString("OK") }!)")
                    }
                }
            }
            try #require(loadErrors.isEmpty, "\(loadErrors)")
            let loaded = Durability.wallMilliseconds()
            let connection = try tally.connect()
            if loaded < firstDeadline - 200 {
                #expect(try connection.call("DBSIZE") == .integer(Int64(Self.keys)))
            }
            print("expiry: \(Self.keys) keys loaded in \(loaded - loadStart) ms; they expire from \(firstDeadline - loaded) ms on, over 1 s")

            // A separate client PINGs, one at a time, until the rows are gone.
            let stop = Locked(false)
            let latencies = Locked<[Double]>([])
            let pinger = ThreadGroup(1) { _ in
                let client = try RESPConnection(port: port, timeout: 60)
                // Bounded: a PING takes well under a millisecond; ten million is a runaway guard.
                for _ in 0..<10_000_000 where !stop.withLock({ $0 }) {
                    let sent = Durability.now()
                    let reply = try client.call("PING")
                    let elapsed = Durability.now() - sent
                    guard reply == .simpleString("PONG") else { throw HarnessError("PING answered \(reply)") }
                    latencies.withLock { $0.append(elapsed) }
                }
            }
            let rowsGone = try Durability.poll(timeout: Double(firstDeadline + 1000 - Durability.wallMilliseconds()) / 1000 + 60, interval: 0.1) {
                try Durability.sqlite(database, "SELECT count(*) FROM keyspace") == "0\n"
            }
            let sweptAt = Durability.wallMilliseconds()
            stop.withLock { $0 = true }
            let pingErrors = pinger.join(timeout: 60)
            #expect(pingErrors.isEmpty, "\(pingErrors)")

            let rowsLeft = try Durability.sqlite(database, "SELECT count(*) FROM keyspace").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(rowsGone && rowsLeft == "0", "rows left in keyspace: \(rowsLeft)")
            #expect(try connection.call("DBSIZE") == .integer(0))
            let expired = try Durability.infoInteger(connection, section: "stats", field: "expired_keys")
            #expect(expired >= Int64(Self.keys), "INFO expired_keys = \(expired)")

            let all = latencies.withLock { $0 }.sorted()
            let worst = all.last ?? .infinity
            let p99 = all.isEmpty ? .infinity : all[min(all.count - 1, all.count * 99 / 100)]
            print(String(format: "expiry: all rows gone %d ms after the last deadline; %d PINGs, p99 %.2f ms, max %.2f ms",
                         sweptAt - (firstDeadline + 999), all.count, p99 * 1000, worst * 1000))
            #expect(all.count > 0)
            let sweepSeconds = Double(sweptAt - (firstDeadline + 999)) / 1000
            #expect(sweepSeconds < Self.sweepBoundSeconds, "the sweep fell behind: rows remained \(sweepSeconds) s after the last deadline")
            #expect(worst < Self.stallBoundSeconds, "a PING waited \(worst) s while keys expired (p99 \(p99) s)")
        }
    }
}
