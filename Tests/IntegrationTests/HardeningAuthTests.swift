import Foundation
import RESP
import Testing

/// `--requirepass` and its file and environment forms, AUTH, HELLO AUTH, RESET,
/// and what a client may send before it authenticates: checked with redis-cli
/// (acceptance 2) and byte for byte against a real redis-server with the same password.
@Suite("Hardening: AUTH and requirepass")
struct HardeningAuthTests {
    static let password = "s3cret"

    /// Ways to give tally-server its password.
    enum PasswordSource: String, CaseIterable, CustomTestStringConvertible {
        case flag, file, environment, environmentFile

        var testDescription: String {
            switch self {
            case .flag: "--requirepass s3cret"
            case .file: "--requirepass-file (with a trailing newline)"
            case .environment: "TALLY_REQUIREPASS"
            case .environmentFile: "TALLY_REQUIREPASS_FILE"
            }
        }

        func start(in directory: String) throws -> HardeningServer {
            let file = directory + "/password"
            try (HardeningAuthTests.password + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let base = ["--port", "0", "--db", directory + "/t.db"]
            switch self {
            case .flag: return try HardeningServer(arguments: base + ["--requirepass", HardeningAuthTests.password])
            case .file: return try HardeningServer(arguments: base + ["--requirepass-file", file])
            case .environment:
                return try HardeningServer(arguments: base, environment: ["TALLY_REQUIREPASS": HardeningAuthTests.password])
            case .environmentFile:
                return try HardeningServer(arguments: base, environment: ["TALLY_REQUIREPASS_FILE": file])
            }
        }
    }

    @Test("acceptance 2: redis-cli ping → NOAUTH, redis-cli -a s3cret ping → PONG", arguments: PasswordSource.allCases)
    func redisCLI(source: PasswordSource) throws {
        let cli = try PackagePaths.tool("redis-cli", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try source.start(in: directory)
            defer { tally.stop() }
            let port = String(tally.port)

            let refused = try runProgram(cli, ["-p", port, "ping"])
            #expect(refused.stdout.hasPrefix("NOAUTH Authentication required.\n"), "redis-cli ping printed \(refused.stdout.debugDescription)")
            let accepted = try runProgram(cli, ["-p", port, "-a", Self.password, "--no-auth-warning", "ping"])
            #expect(accepted.stdout == "PONG\n", "redis-cli -a s3cret ping printed \(accepted.stdout.debugDescription) \(accepted.stderr)")
            #expect(accepted.termination == .exited(0))
            // The two-argument AUTH redis-cli sends with --user, and the password from REDISCLI_AUTH.
            let withUser = try runProgram(cli, ["-p", port, "--user", "default", "--pass", Self.password, "--no-auth-warning", "ping"])
            #expect(withUser.stdout == "PONG\n", "\(withUser.stdout) \(withUser.stderr)")
            var environment = ProcessInfo.processInfo.environment
            environment["REDISCLI_AUTH"] = Self.password
            #expect(try runProgram(cli, ["-p", port, "ping"], environment: environment).stdout == "PONG\n")
            let wrong = try runProgram(cli, ["-p", port, "-a", "nope", "--no-auth-warning", "ping"])
            #expect(!wrong.stdout.contains("PONG"), "a wrong password was accepted: \(wrong.stdout)")
            #expect((wrong.stdout + wrong.stderr).contains("WRONGPASS"), "\(wrong.stdout) \(wrong.stderr)")

            // The password is not echoed in what the server prints.
            #expect(!tally.child.stdout.text.contains(Self.password), "the password appears in the log: \(tally.child.stdout.text)")
            #expect(!tally.child.stderr.text.contains(Self.password))
        }
    }

    @Test("redis-cli prints the same as against redis-server --requirepass s3cret")
    func redisCLISameAsRedis() throws {
        let cli = try PackagePaths.tool("redis-cli", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try PasswordSource.flag.start(in: directory)
            defer { tally.stop() }
            let redis = try HardeningRedis(directory: directory, arguments: ["--requirepass", Self.password])
            let invocations: [[String]] = [
                ["ping"], ["get", "k"], ["-a", Self.password, "--no-auth-warning", "ping"],
                ["-a", "nope", "--no-auth-warning", "ping"], ["--user", "bob", "--pass", Self.password, "--no-auth-warning", "ping"],
                ["-a", Self.password, "--no-auth-warning", "set", "k", "v"], ["-a", Self.password, "--no-auth-warning", "get", "k"],
            ]
            for invocation in invocations {
                let theirs = try runProgram(cli, ["-p", String(redis.port)] + invocation)
                let ours = try runProgram(cli, ["-p", String(tally.port)] + invocation)
                #expect(ours.stdout == theirs.stdout,
                        "redis-cli \(invocation.joined(separator: " "))\n  redis-server: \(theirs.stdout.debugDescription)\n  tally-server: \(ours.stdout.debugDescription)")
                #expect(ours.stderr == theirs.stderr, "redis-cli \(invocation.joined(separator: " ")) stderr differs")
                #expect(ours.termination == theirs.termination)
            }
        }
    }

    /// One session's commands; HELLO replies are compared without their `id`.
    static let session: [[String]] = [
        ["PING"], ["GET", "k"], ["SET", "k", "v"], ["ECHO", "x"], ["CLIENT", "SETNAME", "n"],
        ["AUTH", "wrong"], ["AUTH", "default", "wrong"], ["AUTH", "bob", password], ["AUTH", "a", "b", "c"],
        ["HELLO", "3"], ["HELLO", "3", "AUTH", "default", "wrong"], ["HELLO", "3", "AUTH", "bob", password],
        ["GET", "k"],
        ["AUTH", password], ["PING"], ["SET", "k", "v"], ["GET", "k"],
        ["RESET"], ["GET", "k"], ["PING"],
        ["AUTH", "default", password], ["GET", "k"], ["RESET"],
        ["HELLO", "3", "AUTH", "default", password], ["GET", "k"], ["INCR", "n"],
        ["RESET"], ["HELLO", "2", "AUTH", "default", password, "SETNAME", "me"], ["CLIENT", "GETNAME"], ["QUIT"],
    ]

    @Test("AUTH (one and two arguments), HELLO AUTH, RESET: the same bytes as redis-server --requirepass")
    func sessionSameAsRedis() throws {
        try withTemporaryDirectory { directory in
            let tally = try PasswordSource.flag.start(in: directory)
            defer { tally.stop() }
            let redis = try HardeningRedis(directory: directory, arguments: ["--requirepass", Self.password])
            let ours = try Self.replies(to: Self.session, port: tally.port)
            let theirs = try Self.replies(to: Self.session, port: redis.port)
            for (index, command) in Self.session.enumerated() {
                #expect(ours[index] == theirs[index],
                        "\(command.joined(separator: " "))\n  redis-server: \(theirs[index])\n  tally-server: \(ours[index])")
            }
            // The texts acceptance 2 names, asserted outright as well.
            #expect(ours[0] == Bytes.escaped("-NOAUTH Authentication required.\r\n".utf8))
            #expect(ours[5] == Bytes.escaped("-WRONGPASS invalid username-password pair or user is disabled.\r\n".utf8))
            #expect(ours[6] == ours[5] && ours[7] == ours[5])
            #expect(ours[14] == Bytes.escaped("+PONG\r\n".utf8))
            #expect(ours[18] == ours[0], "RESET must sign the client out")
            #expect(ours[24] == Bytes.escaped("$1\r\nv\r\n".utf8), "HELLO 3 AUTH default s3cret must authenticate")
        }
    }

    /// The replies to `commands` on one connection, escaped; HELLO's `id` masked.
    static func replies(to commands: [[String]], port: Int) throws -> [String] {
        let connection = try RESPConnection(port: port)
        return try commands.map { command in
            let raw = try connection.rawCall(command.map { Array($0.utf8) })
            guard command[0] == "HELLO" else { return Bytes.escaped(raw) }
            // RESP3 answers a map, RESP2 an array of alternating names and values.
            let pairs: [(RESPValue, RESPValue)]
            switch try RESPConnection.decode(raw) {
            case .map(let found): pairs = found
            case .array(let items) where items.count % 2 == 0:
                pairs = stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
            default: return Bytes.escaped(raw)
            }
            return pairs.map { pair in
                pair.0 == .bulkString("id") ? "id=<id>" : "\(pair.0)=\(pair.1)"
            }.joined(separator: ",")
        }
    }

    /// Frames sent before AUTH, each on a new connection, with what must come back.
    static let preAuthFrames: [(name: String, bytes: [UInt8])] = [
        ("11 elements", Array("*11\r\n".utf8)),
        ("10 elements (allowed)", encodeCommand(["SET", "k", "v", "a", "b", "c", "d", "e", "f", "g"])),
        ("a 16,385-byte bulk", Array("*2\r\n$4\r\nAUTH\r\n$16385\r\n".utf8)),
        ("a 16,384-byte bulk (allowed)", encodeCommand(["AUTH", String(repeating: "p", count: 16384)])),
        ("a huge count", Array("*1048576\r\n".utf8)),
        ("a huge bulk", Array("*1\r\n$536870912\r\n".utf8)),
    ]

    @Test("before AUTH only small frames: > 10 elements or a > 16 KiB bulk is a protocol error and a close, as Redis")
    func preAuthenticationLimits() throws {
        try withTemporaryDirectory { directory in
            let tally = try PasswordSource.flag.start(in: directory)
            defer { tally.stop() }
            let redis = try HardeningRedis(directory: directory, arguments: ["--requirepass", Self.password])
            var ours: [String] = []
            for (name, bytes) in Self.preAuthFrames {
                let tallyAnswer = try Self.answer(to: bytes, port: tally.port)
                let redisAnswer = try Self.answer(to: bytes, port: redis.port)
                #expect(tallyAnswer == redisAnswer, "\(name)\n  redis-server: \(redisAnswer)\n  tally-server: \(tallyAnswer)")
                ours.append(tallyAnswer)
            }
            #expect(ours[0] == "\(Bytes.escaped("-ERR Protocol error: unauthenticated multibulk length\r\n".utf8)) then closed")
            #expect(ours[2] == "\(Bytes.escaped("-ERR Protocol error: unauthenticated bulk length\r\n".utf8)) then closed")
            #expect(ours[1].hasPrefix("\"(error) NOAUTH Authentication required.") && ours[1].hasSuffix("left open"))
            #expect(ours[3].hasPrefix("\"(error) WRONGPASS") && ours[3].hasSuffix("left open"))

            // Authenticated, the same connection may send large frames.
            let connection = try tally.connect()
            #expect(try connection.call("AUTH", Self.password) == .simpleString("OK"))
            let big = String(repeating: "b", count: 100_000)
            #expect(try connection.call("SET", "big", big) == .simpleString("OK"))
            #expect(try connection.call("STRLEN", "big") == .integer(100_000))
            let pairs = (0..<50).flatMap { ["key\($0)", "value\($0)"] }
            #expect(try connection.call(["MSET"] + pairs) == .simpleString("OK"))
            // RESET brings the pre-AUTH limits back.
            #expect(try connection.call("RESET") == .simpleString("RESET"))
            try connection.send(Array("*11\r\n".utf8))
            #expect(try connection.readUntilClose() == Array("-ERR Protocol error: unauthenticated multibulk length\r\n".utf8))
        }
    }

    /// What the server sends back to `bytes` on a fresh connection within 2 s, and whether it closed.
    static func answer(to bytes: [UInt8], port: Int) throws -> String {
        let socket = try HardeningSocket(port: port)
        try socket.send(bytes)
        let closed = try socket.closes(within: 1)
        if closed { return "\(Bytes.escaped(try socket.readUntilClose(timeout: 0.1))) then closed" }
        let pending = try socket.readReply(timeout: 1)
        return "\(Bytes.escaped(Array("\(pending)".utf8)).prefix(40)) left open"
    }

    @Test("flags win over TALLY_REQUIREPASS; no password means no AUTH needed and AUTH says so as Redis")
    func precedenceAndNoPassword() throws {
        try withTemporaryDirectory { directory in
            let tally = try HardeningServer(arguments: ["--port", "0", "--db", directory + "/t.db", "--requirepass", "fromflag"],
                                            environment: ["TALLY_REQUIREPASS": "fromenv"])
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try connection.call("AUTH", "fromenv") == .error("WRONGPASS invalid username-password pair or user is disabled."))
            #expect(try connection.call("AUTH", "fromflag") == .simpleString("OK"))

            let open = try TallyProcess(databasePath: directory + "/u.db")
            defer { open.stop() }
            let redis = try HardeningRedis(directory: directory)
            for port in [open.port, redis.port] {
                let client = try RESPConnection(port: port)
                #expect(try client.call("PING") == .simpleString("PONG"))
                #expect(try client.call("AUTH", "anything") == .error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"))
                #expect(try client.call("AUTH", "default", "anything") == .simpleString("OK"))
            }
        }
    }

    @Test("a missing or empty password file is a one-line error and exit code 2")
    func badPasswordFile() throws {
        try withTemporaryDirectory { directory in
            let empty = directory + "/empty"
            try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
            for file in [directory + "/missing", empty] {
                let output = try runProgram(PackagePaths.tallyServer, ["--port", "0", "--db", directory + "/t.db", "--requirepass-file", file],
                                            environment: TallyProcess.environment(), timeout: 30)
                #expect(output.termination == .exited(2), "\(output.termination): \(output.stderr)")
                #expect(output.stderr.contains(file), "the error should name the file: \(output.stderr)")
                #expect(output.stderr.split(separator: "\n").count == 1, "one line: \(output.stderr)")
            }
        }
    }

    @Test("neither SLOWLOG nor MONITOR reveals the AUTH password")
    func passwordNotRevealed() throws {
        try withTemporaryDirectory { directory in
            let tally = try HardeningServer(arguments: ["--port", "0", "--db", directory + "/t.db", "--requirepass", Self.password,
                                                        "--slowlog-log-slower-than", "0"])
            defer { tally.stop() }
            let watcher = try tally.connect()
            #expect(try watcher.call("AUTH", Self.password) == .simpleString("OK"))
            #expect(try watcher.call("MONITOR") == .simpleString("OK"))

            let client = try tally.connect()
            #expect(try client.call("AUTH", "default", Self.password) == .simpleString("OK"))
            #expect(try client.call("HELLO", "2", "AUTH", "default", Self.password) != .null)
            #expect(try client.call("SET", "after", "auth") == .simpleString("OK"))
            // MONITOR has shown everything before SET by the time SET's line arrives.
            var lines: [String] = []
            while true {
                let line = try RESPConnection.decode(watcher.readReply()).stringValue ?? ""
                lines.append(line)
                if line.contains("\"after\"") { break }
            }
            // redis-server shows `"AUTH" "(redacted)"` and `"hello" "2" "auth" "(redacted)" "(redacted)"`.
            #expect(!lines.contains { $0.contains(Self.password) }, "MONITOR showed the password: \(lines)")

            guard case .array(let entries) = try client.call("SLOWLOG", "GET", "-1") else {
                Issue.record("SLOWLOG GET is not an array")
                return
            }
            #expect(entries.count >= 2, "slowlog-log-slower-than 0 should record the commands: \(entries)")
            // redis-server records AUTH and HELLO … AUTH with their credentials as "(redacted)".
            #expect(!"\(entries)".contains(Self.password), "SLOWLOG showed the password: \(entries)")
        }
    }
}
