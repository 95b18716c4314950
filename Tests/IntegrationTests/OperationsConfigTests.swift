import Foundation
import RESP
import Testing

/// `tally-server path/to/tally.conf` in redis.conf syntax, the order of
/// file, environment and flags, errors that name file, line and directive,
/// and CONFIG GET reporting the values in effect.
@Suite("Operations: configuration")
struct OperationsConfigTests {
    /// CONFIG GET of one parameter, as its value.
    static func configGet(_ connection: RESPConnection, _ name: String) throws -> String? {
        let reply = try connection.call("CONFIG", "GET", name)
        switch reply {
        case .array(let items) where items.count == 2: return items[1].stringValue
        case .map(let pairs) where pairs.count == 1: return pairs[0].1.stringValue
        default: return nil
        }
    }

    @Test("a valid file sets port, bind, maxclients, requirepass (quoted), timeout, fsync and db; comments, blank lines")
    func validFileApplies() throws {
        try withTemporaryDirectory { directory in
            let port = try RedisProcess.freePort()
            let file = directory + "/tally.conf"
            let database = directory + "/from-config.db"
            let text = [
                "# Tally configuration, redis.conf syntax", "",
                "port \(port)", "   bind 127.0.0.1", "maxclients 2",
                "requirepass \"pass word\"", "timeout 300", "appendfsync everysec", "db \(database)",
                "\t# an indented comment", "slowlog-max-len 7", "",
            ].joined(separator: "\n")
            try text.write(toFile: file, atomically: true, encoding: .utf8)

            let tally = try HardeningServer(arguments: [file], workingDirectory: directory)
            defer { tally.stop() }
            #expect(tally.port == port, "listening on \(tally.port), the file says \(port)")
            let connection = try tally.connect()
            #expect(try connection.call("PING") == .error("NOAUTH Authentication required."))
            #expect(try connection.call("AUTH", "pass word") == .simpleString("OK"))
            let expected = ["port": String(port), "bind": "127.0.0.1", "maxclients": "2", "requirepass": "pass word",
                            "timeout": "300", "appendfsync": "everysec", "slowlog-max-len": "7", "tally-db": database]
            for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
                #expect(try Self.configGet(connection, name) == value, "CONFIG GET \(name)")
            }
            let fields = try Hardening.info(connection, "server", "persistence").fields
            #expect(fields["config_file"] == file)
            #expect(fields["tally_fsync"] == "everysec")
            #expect(fields["tcp_port"] == String(port))
            #expect(FileManager.default.fileExists(atPath: database), "the db directive did not choose the database file")

            // maxclients 2 is in force: with this connection and one more, a third is refused.
            let second = try tally.connect()
            #expect(try second.call("AUTH", "pass word") == .simpleString("OK"))
            let third = try HardeningSocket(port: port)
            #expect(String(decoding: try third.readUntilClose(timeout: 5), as: UTF8.self) == "-ERR max number of clients reached\r\n")
        }
    }

    @Test("a file with CRLF line ends (saved on Windows) is read as redis-server reads it")
    func crlfLineEnds() throws {
        try withTemporaryDirectory { directory in
            let file = directory + "/tally.conf"
            let text = "# written on Windows\r\nport 0\r\nmaxclients 5\r\ntimeout 7\r\ndb \(directory)/t.db\r\n"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            // Port and database also as flags, so that a misread file cannot reach port 6379 or ./data.
            let tally = try HardeningServer(arguments: [file, "--port", "0", "--db", directory + "/t.db"], workingDirectory: directory)
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try Self.configGet(connection, "maxclients") == "5")
            #expect(try Self.configGet(connection, "timeout") == "7")

            // redis-server accepts the same file (without Tally's own `db`).
            let redisFile = directory + "/redis.conf"
            try "# written on Windows\r\nport \(try RedisProcess.freePort())\r\nmaxclients 5\r\ntimeout 7\r\nsave \"\"\r\n"
                .write(toFile: redisFile, atomically: true, encoding: .utf8)
            let server = try PackagePaths.tool("redis-server", package: "redis-server")
            let check = try ChildProcess(server, [redisFile, "--dir", directory, "--logfile", ""])
            defer { check.kill() }
            let ready = check.stdout.wait(until: Date().addingTimeInterval(20)) { bytes in
                String(decoding: bytes, as: UTF8.self).contains("Ready to accept connections") ? true : nil
            }
            #expect(ready == true, "redis-server refused the CRLF file too: \(check.stdout.text)")
        }
    }

    @Test("the environment overrides the file and flags override both")
    func precedence() throws {
        try withTemporaryDirectory { directory in
            let file = directory + "/tally.conf"
            try "port 0\nmaxclients 11\ntimeout 12\ndatabases 4\ndb \(directory)/t.db\n".write(toFile: file, atomically: true, encoding: .utf8)
            let tally = try HardeningServer(arguments: [file, "--timeout", "33"],
                                            environment: ["TALLY_MAXCLIENTS": "22", "TALLY_TIMEOUT": "23"], workingDirectory: directory)
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try Self.configGet(connection, "maxclients") == "22", "environment over file")
            #expect(try Self.configGet(connection, "timeout") == "33", "flag over environment and file")
            #expect(try Self.configGet(connection, "databases") == "4", "file over default")
            #expect(try connection.call("SELECT", "4") == .error("ERR DB index is out of range"))
        }
    }

    /// Broken files: the line number and the name the error must carry.
    static let broken: [(name: String, lines: [String], line: Int, mention: String)] = [
        ("unknown directive", ["port 0", "# comment", "frobnicate yes"], 3, "frobnicate"),
        ("bad number", ["maxclients lots"], 1, "maxclients"),
        ("number out of range", ["", "port 70000"], 2, "port"),
        ("directive without a value", ["timeout"], 1, "timeout"),
        ("unbalanced quotes", ["port 0", "requirepass \"open"], 2, "requirepass"),
        ("bad yes/no", ["protected-mode maybe"], 1, "protected-mode"),
        ("bad fsync policy", ["appendfsync sometimes"], 1, "appendfsync"),
    ]

    @Test("a broken config file: exit code ≠ 0, nothing listens, one stderr line naming file, line and directive",
          arguments: 0..<broken.count)
    func brokenFile(index: Int) throws {
        let (name, lines, line, mention) = Self.broken[index]
        try withTemporaryDirectory { directory in
            let file = directory + "/broken.conf"
            try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            // An accepted file would start a server: on an ephemeral port, in the test's directory, killed after 10 s.
            let output = try? runProgram(PackagePaths.tallyServer, [file, "--port", "0", "--db", directory + "/t.db"],
                                         workingDirectory: directory, environment: TallyProcess.environment(), timeout: 10)
            guard let output else {
                Issue.record("\(name): tally-server accepted the file and kept running")
                return
            }
            #expect(output.termination != .exited(0), "\(name): started anyway")
            if case .signalled = output.termination { Issue.record("\(name): crashed with \(output.termination)") }
            #expect(!output.stdout.contains("listening on"), "\(name)")
            #expect(output.stderr.contains("\(file):\(line)"), "\(name): stderr should name \(file):\(line): \(output.stderr)")
            #expect(output.stderr.contains(mention), "\(name): stderr should name '\(mention)': \(output.stderr)")
            #expect(output.stderr.split(separator: "\n").count == 1, "\(name): one line: \(output.stderr)")
        }
    }

    @Test("a config file that cannot be read is an error naming it")
    func missingFile() throws {
        try withTemporaryDirectory { directory in
            let file = directory + "/nowhere.conf"
            let output = try runProgram(PackagePaths.tallyServer, [file, "--port", "0", "--db", directory + "/t.db"],
                                        workingDirectory: directory, environment: TallyProcess.environment(), timeout: 10)
            #expect(output.termination != .exited(0))
            #expect(output.stderr.contains(file), "\(output.stderr)")
        }
    }

    @Test("CONFIG GET reports the values in effect: flags, the real port of --port 0, globs, and CONFIG SET changes")
    func configGetEffectiveValues() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: [
                "--maxclients", "77", "--timeout", "5", "--fsync", "no", "--databases", "4", "--protected-mode", "no",
                "--slowlog-log-slower-than", "123", "--slowlog-max-len", "9",
            ])
            defer { tally.stop() }
            let connection = try tally.connect()
            let expected = ["port": String(tally.port), "bind": "127.0.0.1", "maxclients": "77", "timeout": "5",
                            "appendfsync": "no", "appendonly": "no", "databases": "4", "protected-mode": "no",
                            "slowlog-log-slower-than": "123", "slowlog-max-len": "9", "requirepass": "",
                            "tally-db": directory + "/t.db"]
            for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
                #expect(try Self.configGet(connection, name) == value, "CONFIG GET \(name)")
            }
            guard case .array(let globbed) = try connection.call("CONFIG", "GET", "slowlog-*") else {
                Issue.record("CONFIG GET slowlog-* is not an array")
                return
            }
            #expect(globbed.count == 4, "\(globbed)")

            #expect(try connection.call("CONFIG", "SET", "maxclients", "50", "timeout", "0") == .simpleString("OK"))
            #expect(try Self.configGet(connection, "maxclients") == "50")
            #expect(try Self.configGet(connection, "timeout") == "0")
            #expect(try connection.call("CONFIG", "SET", "appendfsync", "always") == .simpleString("OK"))
            #expect(try Self.configGet(connection, "appendfsync") == "always")
            #expect(try Hardening.info(connection, "persistence").fields["tally_fsync"] == "always")
            // A refused CONFIG SET changes nothing, not even its valid parts.
            #expect(try connection.call("CONFIG", "SET", "maxclients", "60", "timeout", "-1") != .simpleString("OK"))
            #expect(try Self.configGet(connection, "maxclients") == "50")
            #expect(try connection.call("CONFIG", "SET", "port", "1234") != .simpleString("OK"))
            #expect(try Self.configGet(connection, "port") == String(tally.port))
        }
    }

    @Test("CONFIG SET loglevel debug is reported by CONFIG GET and takes effect: debug lines appear")
    func configSetLogLevel() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: ["--log-level", "info"])
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try connection.call("CONFIG", "SET", "loglevel", "debug") == .simpleString("OK"))
            #expect(try Self.configGet(connection, "loglevel") == "debug", "CONFIG GET loglevel after CONFIG SET loglevel debug")
            // A protocol error from a peer is a debug event.
            let peer = try HardeningSocket(port: tally.port)
            _ = try peer.send(Array("*x\r\n".utf8))
            #expect(try peer.closes(within: 5))
            let logged = tally.child.stdout.wait(until: Date().addingTimeInterval(3)) { bytes in
                String(decoding: bytes, as: UTF8.self).contains("level=debug") ? true : nil
            }
            #expect(logged == true, "no level=debug line after CONFIG SET loglevel debug: \(tally.child.stdout.text)")
        }
    }
}
