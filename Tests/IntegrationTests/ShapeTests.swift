import Foundation
import RESP
import Testing

/// Replies that differ from run to run (times, ids, addresses, command
/// tables) checked for their shape, in RESP2 and RESP3.
@Suite("Reply shapes of non-deterministic commands")
struct ShapeTests {
    /// A fresh server and a connection speaking `protocolVersion`, for `body`.
    private func withServer(protocolVersion: Int = 2, _ body: (TallyProcess, RESPConnection) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            try body(tally, try tally.connect(protocolVersion: protocolVersion))
        }
    }

    private static func text(_ value: RESPValue) -> String? {
        switch value {
        case .bulkString(let bytes): String(decoding: bytes, as: UTF8.self)
        case .verbatim(let format, let bytes) where format == "txt": String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    @Test("TIME is two integers as bulk strings: seconds near now and microseconds", arguments: [2, 3])
    func time(protocolVersion: Int) throws {
        try withServer(protocolVersion: protocolVersion) { _, connection in
            let raw = try connection.rawCall([Array("TIME".utf8)])
            guard case .array(let parts) = try RESPConnection.decode(raw), parts.count == 2,
                  let seconds = Self.text(parts[0]).flatMap({ Int64($0) }),
                  let micros = Self.text(parts[1]).flatMap({ Int64($0) }) else {
                Issue.record("TIME answered \(Bytes.escaped(raw))")
                return
            }
            #expect(raw.starts(with: Array("*2\r\n$".utf8)))
            #expect(abs(seconds - Int64(Date().timeIntervalSince1970)) <= 5)
            #expect((0..<1_000_000).contains(micros))
        }
    }

    @Test("COMMAND COUNT equals the names in COMMAND LIST, and COMMAND, DOCS and INFO describe them", arguments: [2, 3])
    func commandTable(protocolVersion: Int) throws {
        try withServer(protocolVersion: protocolVersion) { _, connection in
            guard case .integer(let count) = try connection.call("COMMAND", "COUNT"),
                  case .array(let list) = try connection.call("COMMAND", "LIST") else {
                Issue.record("COMMAND COUNT or LIST has the wrong type")
                return
            }
            let names = list.compactMap(Self.text)
            #expect(names.count == list.count)
            // As Redis 7.0: COMMAND LIST names subcommands too (`config|get`),
            // COMMAND COUNT and COMMAND count top-level commands only.
            let topLevel = names.filter { !$0.contains("|") }
            #expect(Int64(topLevel.count) == count, "COMMAND COUNT \(count) but COMMAND LIST has \(topLevel.count) top-level names")
            #expect(names.contains("config|get") && names.contains("client|list"), "COMMAND LIST lacks subcommands")
            #expect(Set(names).count == names.count, "duplicate names in COMMAND LIST")
            for name in ["get", "set", "incr", "hello", "client", "command", "multi", "exec", "scan"] {
                #expect(names.contains(name), "COMMAND LIST lacks \(name)")
            }
            guard case .array(let all) = try connection.call("COMMAND") else {
                Issue.record("COMMAND is not an array")
                return
            }
            #expect(Int64(all.count) == count)

            // COMMAND INFO get: [name, arity, flags, first key, last key, step, ...]
            guard case .array(let infos) = try connection.call("COMMAND", "INFO", "get", "incr"), infos.count == 2,
                  case .array(let get) = infos[0], get.count >= 6 else {
                Issue.record("COMMAND INFO get incr is malformed")
                return
            }
            #expect(Self.text(get[0]) == "get")
            #expect(get[1] == .integer(2))
            #expect(get[3] == .integer(1) && get[4] == .integer(1) && get[5] == .integer(1))

            // COMMAND DOCS get: name -> { summary, since, group, ... }; redis-cli reads it on start.
            let docs = try connection.call("COMMAND", "DOCS", "get")
            let pairs: [(RESPValue, RESPValue)]
            switch docs {
            case .map(let map): pairs = map
            case .array(let flat) where flat.count % 2 == 0: pairs = stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) }
            default: pairs = []
            }
            #expect(pairs.count == 1 && Self.text(pairs[0].0) == "get", "COMMAND DOCS get: \(docs)")
            if protocolVersion == 3 {
                guard case .map = docs else {
                    Issue.record("COMMAND DOCS is not a map in RESP3: \(docs)")
                    return
                }
            }
        }
    }

    @Test("INFO: sections in Redis's format, redis_version, tally_version and the keyspace line", arguments: [2, 3])
    func info(protocolVersion: Int) throws {
        try withServer(protocolVersion: protocolVersion) { _, connection in
            try connection.call("SET", "a", "1")
            try connection.call("SET", "b", "2", "EX", "1000")
            let raw = try connection.rawCall([Array("INFO".utf8)])
            // Redis 7 answers INFO with a bulk string in RESP2 and a verbatim string in RESP3.
            #expect(raw.first == UInt8(ascii: protocolVersion == 3 ? "=" : "$"))
            guard let info = Self.text(try RESPConnection.decode(raw)) else {
                Issue.record("INFO answered \(Bytes.escaped(raw.prefix(80)))")
                return
            }
            for section in ["# Server", "# Clients", "# Persistence", "# Stats", "# Keyspace"] {
                #expect(info.contains("\(section)\r\n"), "INFO lacks \(section)")
            }
            #expect(info.contains("\r\nredis_version:7.0.15\r\n") || info.hasPrefix("# Server\r\nredis_version:7.0.15\r\n"))
            #expect(info.contains("\r\ntally_version:"))
            #expect(info.contains("\r\ndb0:keys=2,expires=1,avg_ttl="), "keyspace line: \(info)")
            #expect(!info.contains("\n\n") && !info.contains("\r\r"))
            for line in info.split(separator: "\r\n") where !line.hasPrefix("#") {
                #expect(line.contains(":"), "INFO line without a colon: \(line)")
            }
            guard let server = Self.text(try connection.call("INFO", "server")) else {
                Issue.record("INFO server is not text")
                return
            }
            #expect(server.hasPrefix("# Server\r\n"))
            #expect(!server.contains("# Keyspace"))
            guard let keyspace = Self.text(try connection.call("INFO", "keyspace")) else { return }
            #expect(keyspace.hasPrefix("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl="))
        }
    }

    @Test("CLIENT ID, CLIENT INFO and CLIENT LIST agree with each other and with HELLO", arguments: [2, 3])
    func clientIntrospection(protocolVersion: Int) throws {
        try withServer(protocolVersion: protocolVersion) { tally, connection in
            guard case .integer(let id) = try connection.call("CLIENT", "ID") else {
                Issue.record("CLIENT ID is not an integer")
                return
            }
            #expect(id > 0)
            guard case .map(let hello) = try connection.call("HELLO", "3") else {
                Issue.record("HELLO 3 is not a map")
                return
            }
            #expect(hello.contains { Self.text($0.0) == "id" && $0.1 == .integer(id) })
            try connection.call("HELLO", String(protocolVersion))
            try connection.call("CLIENT", "SETNAME", "shape")
            try connection.call("SELECT", "4")

            let rawInfo = try connection.rawCall([Array("CLIENT".utf8), Array("INFO".utf8)])
            #expect(rawInfo.first == UInt8(ascii: protocolVersion == 3 ? "=" : "$"))
            guard let info = Self.text(try RESPConnection.decode(rawInfo)) else { return }
            #expect(info.hasSuffix("\n") && info.filter { $0 == "\n" }.count == 1, "one line: \(info.debugDescription)")
            let fields = Self.fields(info)
            #expect(fields["id"] == String(id))
            #expect(fields["addr"]?.hasPrefix("127.0.0.1:") == true)
            #expect(fields["laddr"] == "127.0.0.1:\(tally.port)")
            #expect(fields["name"] == "shape")
            #expect(fields["db"] == "4")
            #expect(fields["resp"] == String(protocolVersion))
            #expect(fields["cmd"] == "client|info")
            // Redis 7.0's fields, in its order (7.2 appends lib-name and lib-ver).
            let redisFields = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
                               "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                               "tot-mem", "events", "cmd", "user", "redir", "resp"]
            let names = info.trimmingCharacters(in: .newlines).split(separator: " ").map { String($0.prefix { $0 != "=" }) }
            #expect(Array(names.prefix(redisFields.count)) == redisFields)

            let other = try tally.connect()
            guard case .integer(let otherID) = try other.call("CLIENT", "ID") else { return }
            guard let list = Self.text(try connection.call("CLIENT", "LIST")) else {
                Issue.record("CLIENT LIST is not text")
                return
            }
            let ids = list.split(separator: "\n").compactMap { Self.fields(String($0))["id"] }
            #expect(Set(ids) == [String(id), String(otherID)], "CLIENT LIST: \(list)")
            guard let only = Self.text(try connection.call("CLIENT", "LIST", "ID", String(otherID))) else { return }
            #expect(only.split(separator: "\n").compactMap { Self.fields(String($0))["id"] } == [String(otherID)])
        }
    }

    private static func fields(_ line: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in line.trimmingCharacters(in: .newlines).split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    @Test("CONTAINER HELP: Redis's help layout, listing every subcommand the container has", arguments: ["client", "config", "command", "object", "slowlog"])
    func help(container: String) throws {
        try withServer { _, connection in
            guard case .array(let items) = try connection.call(container.uppercased(), "HELP") else {
                Issue.record("\(container) HELP is not an array")
                return
            }
            var lines: [String] = []
            for item in items {
                guard case .simpleString(let line) = item else {
                    Issue.record("\(container) HELP has a line that is not a simple string: \(item)")
                    return
                }
                lines.append(line)
            }
            #expect(lines.first == "\(container.uppercased()) <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
            #expect(lines.suffix(2) == ["HELP", "    Print this help."])
            // Every subcommand the server documents for this container appears as a line that starts with its name.
            guard case .map(let docs) = try connection.call("HELLO", "3"), !docs.isEmpty,
                  case .map(let all) = try connection.call("COMMAND", "DOCS", container),
                  let doc = all.first?.1, case .map(let fields) = doc,
                  let subcommands = fields.first(where: { $0.0.stringValue == "subcommands" })?.1,
                  case .map(let names) = subcommands else {
                Issue.record("COMMAND DOCS \(container) has no subcommands map")
                return
            }
            for (name, _) in names {
                guard let full = name.stringValue, let sub = full.split(separator: "|").last?.uppercased() else { continue }
                #expect(lines.contains { $0 == sub || $0.hasPrefix(sub + " ") }, "\(container) HELP does not list \(sub)")
            }
        }
    }

    @Test("CONFIG GET port answers the real ephemeral port")
    func configPort() throws {
        try withServer { tally, connection in
            let reply = try connection.call("CONFIG", "GET", "port")
            #expect(reply == .array([.bulkString("port"), .bulkString(String(tally.port))]))
        }
    }

    @Test("PTTL and PEXPIRE: milliseconds left, counting down")
    func pttl() throws {
        try withServer { _, connection in
            try connection.call("SET", "k", "v", "PX", "100000")
            guard case .integer(let left) = try connection.call("PTTL", "k") else {
                Issue.record("PTTL is not an integer")
                return
            }
            #expect((90_000...100_000).contains(left))
            try connection.call("PEXPIRE", "k", "5000")
            guard case .integer(let shorter) = try connection.call("PTTL", "k") else { return }
            #expect((4_000...5_000).contains(shorter))
        }
    }

    @Test("a request line over 64 KiB: Redis's 'too big inline request', then the connection closes")
    func tooBigInline() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            let request = [UInt8](repeating: UInt8(ascii: "a"), count: 70_000)
            var answers: [[UInt8]] = []
            for port in [redis.port, tally.port] {
                let connection = try RESPConnection(port: port)
                try connection.send(request)
                answers.append(try connection.readUntilClose())
            }
            #expect(answers[0] == Array("-ERR Protocol error: too big inline request\r\n".utf8))
            #expect(answers[1] == answers[0], "tally-server: \(Bytes.escaped(answers[1]))")
        }
    }

    @Test("more than 1,048,576 elements in one request is refused and the connection closed")
    func elementCountBound() throws {
        try withServer { _, connection in
            try connection.send(Array("*1048577\r\n".utf8))
            #expect(try connection.readUntilClose() == Array("-ERR Protocol error: invalid multibulk length\r\n".utf8))
        }
    }

    @Test("one connection's protocol error does not disturb another's")
    func protocolErrorIsolated() throws {
        try withServer { tally, connection in
            try connection.call("SET", "k", "v")
            let bad = try tally.connect()
            try bad.send(Array("*abc\r\n".utf8))
            #expect(try bad.readUntilClose() == Array("-ERR Protocol error: invalid multibulk length\r\n".utf8))
            #expect(try connection.call("GET", "k") == .bulkString("v"))
        }
    }
}
