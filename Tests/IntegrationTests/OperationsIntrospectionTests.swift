import Foundation
import RESP
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// What an operator's tools read: INFO (as redis_exporter and `redis-cli
/// --stat` do), SLOWLOG, and the log lines.
@Suite("Operations: INFO, SLOWLOG, logs")
struct OperationsIntrospectionTests {
    /// Fields redis_exporter and `redis-cli --stat` read, by section.
    static let exporterFields: [String: [String]] = [
        "Server": ["redis_version", "redis_mode", "os", "arch_bits", "process_id", "tcp_port", "uptime_in_seconds"],
        "Clients": ["connected_clients", "maxclients", "blocked_clients"],
        "Memory": ["used_memory", "used_memory_human", "used_memory_rss", "maxmemory"],
        "Persistence": ["loading", "rdb_changes_since_last_save", "rdb_last_save_time", "aof_enabled",
                        "tally_fsync", "tally_commits", "tally_commands_per_commit", "tally_last_commit_usec", "tally_wal_bytes"],
        "Stats": ["total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
                  "rejected_connections", "expired_keys", "evicted_keys", "keyspace_hits", "keyspace_misses"],
    ]

    @Test("INFO has the sections and fields redis_exporter reads, in Redis's format")
    func infoSectionsAndFields() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try connection.call("SET", "a", "1") == .simpleString("OK"))
            #expect(try connection.call("SET", "b", "2", "EX", "1000") == .simpleString("OK"))
            guard case .bulkString(let raw) = try connection.call("INFO") else {
                Issue.record("INFO is not a bulk string in RESP2")
                return
            }
            let text = String(decoding: raw, as: UTF8.self)
            // CRLF line ends, `# Section` headers, `field:value` lines, one blank line between sections.
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "a bare LF in INFO")
            for line in text.components(separatedBy: "\r\n") where !line.isEmpty {
                #expect(line.hasPrefix("# ") || line.contains(":"), "not a field line: \(line.debugDescription)")
            }
            let (fields, headers) = try Hardening.info(connection)
            for section in ["Server", "Clients", "Memory", "Persistence", "Stats", "Keyspace"] {
                #expect(headers.contains(section), "INFO has no # \(section): \(headers)")
            }
            for (section, names) in Self.exporterFields {
                for name in names { #expect(fields[name] != nil, "INFO \(section) lacks \(name)") }
            }
            #expect(fields["db0"]?.hasPrefix("keys=2,expires=1,avg_ttl=") == true, "db0:\(fields["db0"] ?? "missing")")
            #expect(fields["tcp_port"] == String(tally.port))
            #expect(fields["process_id"] == String(tally.child.pid))
            #expect(fields["maxclients"] == "10000")
            #expect(fields["tally_fsync"] == "always")
            // RSS as the kernel reports it, within a generous margin (it moves between the two reads).
            let rss = Double(fields["used_memory_rss"] ?? "") ?? 0
            let measured = Double(Hardening.residentBytes(of: tally.child.pid) ?? 0)
            #expect(rss > 0 && abs(rss - measured) < max(measured * 0.5, 16 * 1024 * 1024), "used_memory_rss \(rss), VmRSS \(measured)")
            #expect((Int(fields["used_memory"] ?? "") ?? 0) > 0, "used_memory (SQLite's) should not be 0")
            // A single section by name, in any case.
            let only = try Hardening.info(connection, "STATS")
            #expect(only.headers == ["Stats"])
        }
    }

    /// One fixed session, replayed against both servers before their INFO stats are compared.
    static func statsSession(port: Int) throws -> [String: String] {
        let a = try RESPConnection(port: port), b = try RESPConnection(port: port)
        try a.call("SET", "a", "1")
        try a.call("GET", "a")
        try a.call("GET", "missing")
        try b.call("MGET", "a", "missing", "also-missing")
        try b.call("INCR", "a")
        try b.call("SET", "v", "x", "EX", "1000")
        try b.call("DEL", "missing")
        b.close()
        let c = try RESPConnection(port: port)
        try c.call("PING")
        var fields = try Hardening.info(c, "stats", "clients", "keyspace").fields
        // avg_ttl is Redis's estimate from its expiry sampling: not comparable.
        fields["db0"] = fields["db0"].map { $0.split(separator: ",").filter { !$0.hasPrefix("avg_ttl=") }.joined(separator: ",") }
        return fields
    }

    @Test("INFO's counters after the same session equal redis-server's")
    func infoCountersSameAsRedis() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try HardeningRedis(directory: directory)
            let theirs = try Self.statsSession(port: redis.port)
            let ours = try Self.statsSession(port: tally.port)
            for name in ["total_connections_received", "total_commands_processed", "keyspace_hits", "keyspace_misses",
                         "expired_keys", "rejected_connections", "db0"] {
                #expect(ours[name] == theirs[name], "\(name): redis-server \(theirs[name] ?? "missing"), tally-server \(ours[name] ?? "missing")")
            }
            // Outright, for this session: GET a hit, GET missing miss, MGET one hit two misses.
            #expect(ours["keyspace_hits"] == "2")
            #expect(ours["keyspace_misses"] == "3")
            #expect(ours["total_connections_received"] == "3")
            #expect(ours["db0"] == "keys=2,expires=1")
        }
    }

    @Test("INFO follows events: rejected_connections, expired_keys, instantaneous_ops_per_sec, commits and the WAL")
    func infoFollowsEvents() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: ["--maxclients", "2"])
            defer { tally.stop() }
            let connection = try tally.connect()
            let spare = try tally.connect()
            #expect(try spare.call("PING") == .simpleString("PONG"))
            let refused = try HardeningSocket(port: tally.port)
            #expect(try refused.closes(within: 5))
            #expect(try Hardening.info(connection, "stats").fields["rejected_connections"] == "1")

            let before = try Hardening.info(connection, "persistence").fields
            #expect(try connection.call("SET", "gone", "soon", "PX", "50") == .simpleString("OK"))
            let after = try Hardening.info(connection, "persistence").fields
            #expect(Int(after["tally_commits"] ?? "") == (Int(before["tally_commits"] ?? "") ?? -9) + 1, "one SET is one commit")
            #expect((Int(after["tally_wal_bytes"] ?? "") ?? 0) > 0, "the WAL holds the write")
            #expect((Int(after["tally_last_commit_usec"] ?? "") ?? 0) > 0)

            // Expired without being touched: the sweep counts it.
            let expired = Durability.poll(timeout: 5, interval: 0.05) {
                (try? Hardening.info(connection, "stats").fields["expired_keys"]) == "1"
            }
            #expect(expired, "expired_keys did not reach 1 within 5 s")
            #expect(try Hardening.info(connection, "keyspace").fields["db0"] == nil, "an empty database is not listed")

            // Under load instantaneous_ops_per_sec rises above 0, idle it falls back to 0.
            let pipeline = Array(repeating: encodeCommand("PING"), count: 2000).flatMap { $0 }
            var seen = 0
            let loaded = Durability.poll(timeout: 5, interval: 0) {
                try? spare.send(pipeline)
                for _ in 0..<2000 { _ = try? spare.readReply() }
                seen = Int((try? Hardening.info(connection, "stats").fields["instantaneous_ops_per_sec"]) ?? "") ?? 0
                return seen > 1000
            }
            #expect(loaded, "instantaneous_ops_per_sec was \(seen) under a load of thousands of PINGs a second")
            let idle = Durability.poll(timeout: 5, interval: 0.2) {
                (try? Hardening.info(connection, "stats").fields["instantaneous_ops_per_sec"]).flatMap { Int($0) }.map { $0 < 50 } ?? false
            }
            #expect(idle, "instantaneous_ops_per_sec did not fall once the load stopped")
        }
    }

    @Test("redis-cli --stat reads tally-server's INFO: keys, clients, requests")
    func redisCLIStat() throws {
        let cli = try PackagePaths.tool("redis-cli", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let connection = try tally.connect()
            for index in 0..<7 { try connection.call("SET", "key\(index)", "v") }
            let stat = try ChildProcess(cli, ["-p", String(tally.port), "--stat", "-i", "0.1"])
            defer { stat.kill() }
            // Header lines, then one line per interval: keys mem clients blocked requests connections.
            let rows = stat.stdout.wait(until: Date().addingTimeInterval(10)) { bytes -> [[String]]? in
                let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
                let data = lines.filter { $0.first?.isNumber == true }.map { $0.split(separator: " ").map(String.init) }
                return data.count >= 2 ? data : nil
            }
            let row = try #require(rows?.last, "redis-cli --stat printed: \(stat.stdout.text) \(stat.stderr.text)")
            #expect(row.first == "7", "keys column: \(row)")
            #expect(row.count >= 6, "\(row)")
            #expect(row.count > 2 && row[2] == "2", "clients column (this test's connection and redis-cli): \(row)")
            #expect(row.count > 4 && (Int(row[4]) ?? 0) >= 7, "requests column: \(row)")
        }
    }

    @Test("SLOWLOG with slowlog-log-slower-than 0 records every command; GET, LEN, RESET, max-len and argument trimming")
    func slowlogRecordsCommands() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: ["--slowlog-log-slower-than", "0"])
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try connection.call("SLOWLOG", "RESET") == .simpleString("OK"))
            try connection.call("CLIENT", "SETNAME", "operator")
            var commands: [[String]] = []
            for index in 0..<20 {
                commands.append(["SET", "k\(index)", "v\(index)"])
                commands.append(["GET", "k\(index)"])
            }
            commands.append(["PING"])
            commands.append(["INCR", "counter"])
            for command in commands { try connection.call(command) }

            guard case .array(let entries) = try connection.call("SLOWLOG", "GET", "-1") else {
                Issue.record("SLOWLOG GET is not an array")
                return
            }
            let recorded = entries.compactMap { entry -> [String]? in
                guard case .array(let fields) = entry, fields.count == 6, case .array(let arguments) = fields[3] else { return nil }
                return arguments.map { $0.stringValue ?? "?" }
            }
            // Newest first; every command of the session is there, in order.
            let session = recorded.reversed().filter { $0.first != "CLIENT" && $0.first != "SLOWLOG" }
            #expect(session == commands, "recorded \(session.count) of \(commands.count): \(session)")
            guard case .array(let newest) = try #require(entries.first) else { return }
            if case .integer(let time) = newest[1] {
                #expect(abs(time - Int64(Date().timeIntervalSince1970)) < 10, "entry time \(time)")
            } else { Issue.record("entry time is not an integer: \(newest[1])") }
            if case .integer(let microseconds) = newest[2] {
                #expect(microseconds >= 0 && microseconds < 10_000_000, "duration \(microseconds) µs")
            } else { Issue.record("duration is not an integer: \(newest[2])") }
            #expect(newest[4].stringValue?.hasPrefix("127.0.0.1:") == true, "client address \(newest[4])")
            #expect(newest[5] == .bulkString("operator"), "client name \(newest[5])")
            let length = try connection.call("SLOWLOG", "LEN")
            #expect(length == .integer(Int64(entries.count)) || length == .integer(Int64(entries.count + 1)))

            #expect(try connection.call("SLOWLOG", "RESET") == .simpleString("OK"))
            let afterReset = try connection.call("SLOWLOG", "LEN")
            #expect(afterReset == .integer(0) || afterReset == .integer(1), "SLOWLOG LEN after RESET: \(afterReset)")

            #expect(try connection.call("CONFIG", "SET", "slowlog-max-len", "3") == .simpleString("OK"))
            for index in 0..<10 { try connection.call("GET", "k\(index)") }
            #expect(try connection.call("SLOWLOG", "LEN") == .integer(3))

            #expect(try connection.call("CONFIG", "SET", "slowlog-log-slower-than", "-1") == .simpleString("OK"))
            #expect(try connection.call("SLOWLOG", "RESET") == .simpleString("OK"))
            for index in 0..<5 { try connection.call("GET", "k\(index)") }
            #expect(try connection.call("SLOWLOG", "LEN") == .integer(0), "slowlog-log-slower-than -1 records nothing")
        }
    }

    @Test("SLOWLOG entries' arguments equal redis-server's for the same commands (trimming, long argument lists)")
    func slowlogSameAsRedis() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: ["--slowlog-log-slower-than", "0"])
            defer { tally.stop() }
            let redis = try HardeningRedis(directory: directory, arguments: ["--slowlog-log-slower-than", "0"])
            var results: [[[String]]] = []
            for port in [redis.port, tally.port] {
                let connection = try RESPConnection(port: port)
                try connection.call("SLOWLOG", "RESET")
                try connection.call("SET", "long", String(repeating: "x", count: 200))
                try connection.call(["MSET"] + (0..<20).flatMap { ["k\($0)", "v\($0)"] })
                try connection.call("GET", "long")
                try connection.call("CONFIG", "SET", "slowlog-max-len", "128")
                try connection.call("DEL", "k1", "k2")
                guard case .array(let entries) = try connection.call("SLOWLOG", "GET", "-1") else {
                    Issue.record("SLOWLOG GET is not an array")
                    return
                }
                results.append(entries.compactMap { entry in
                    guard case .array(let fields) = entry, fields.count == 6, case .array(let arguments) = fields[3] else { return nil }
                    return arguments.map { $0.stringValue ?? "?" }
                })
            }
            #expect(results[1] == results[0], "\n  redis-server: \(results[0])\n  tally-server: \(results[1])")
            #expect(results[1].contains { $0.count == 32 && $0.last == "... (10 more arguments)" }, "the MSET entry is cut at 32 arguments")
            #expect(results[1].contains { $0.count == 3 && $0[2] == String(repeating: "x", count: 128) + "... (72 more bytes)" })
        }
    }

    @Test("log lines are logfmt, and a peer's malformed frames never put their payload in the log")
    func logfmtAndNoPayload() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db",
                                         arguments: ["--log-level", "debug", "--requirepass", "s3cret", "--maxclients", "40"])
            let marker = Hardening.marker("PAYLOADMARK")
            let frames: [[UInt8]] = [
                Array("*1\r\n\(marker)\r\n".utf8),                                     // element without '$'
                Array("*2\r\n$4\r\nAUTH\r\n$\(marker)\r\n".utf8),                      // non-numeric bulk length
                Array("*\(marker)\r\n".utf8),                                          // non-numeric count
                Array("SET \"\(marker)\r\n".utf8),                                     // unbalanced quotes
                Array("*2\r\n$4\r\nAUTH\r\n$20000\r\n\(marker)".utf8),                 // over the pre-AUTH bulk limit
                Array("*12\r\n$4\r\nAUTH\r\n$\(marker.utf8.count)\r\n\(marker)\r\n".utf8), // over the pre-AUTH element limit
                Array(String(repeating: marker, count: 70 * 1024 / marker.utf8.count + 1).utf8), // inline line too long
                encodeCommand("AUTH", marker),                                         // a wrong password
                encodeCommand("AUTH", "default", marker),
                encodeCommand(marker, marker),                                         // an unknown command
                Array("\u{1b}[31m\(marker)\n\r\n".utf8) + [0xff, 0xfe, 0x00] + Array(marker.utf8),
            ]
            for frame in frames {
                let socket = try HardeningSocket(port: tally.port)
                _ = try socket.send(frame)
                _ = try socket.closes(within: 1)
            }
            let probe = try tally.connect()
            #expect(try probe.call("AUTH", "s3cret") == .simpleString("OK"))
            #expect(tally.stop() == .exited(0))
            let end = Date().addingTimeInterval(10)
            tally.child.stdout.waitForEnd(until: end)
            tally.child.stderr.waitForEnd(until: end)
            let stdout = tally.child.stdout.text, stderr = tally.child.stderr.text

            #expect(!stdout.contains(marker) && !stderr.contains(marker), "the peer's payload reached the log:\n\(stdout)\(stderr)")
            #expect(!stdout.contains(String(marker.prefix(12))), "part of the peer's payload reached the log")
            #expect(stdout.contains("msg=\"protocol error\""), "protocol errors are not logged at debug level, so this test proves nothing: \(stdout)")
            let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count >= 4, "\(stdout)")
            for line in lines {
                guard let pairs = Logfmt.parse(line) else {
                    Issue.record("not logfmt: \(line.debugDescription)")
                    continue
                }
                #expect(pairs.count >= 2 && pairs[0].key == "level" && pairs[1].key == "msg", "level=… msg=… first: \(line)")
                #expect(["debug", "info", "warn", "error"].contains(pairs.first?.value ?? ""), "level: \(line)")
                #expect(Set(pairs.map(\.key)).count == pairs.count, "a key repeats: \(line)")
            }
            let listening = lines.first { $0.contains("msg=\"listening on") }
            #expect(listening.map { Logfmt.parse($0)?.contains { $0.key == "addr" && $0.value == "127.0.0.1:\(tally.port)" } == true } == true)
        }
    }
}
