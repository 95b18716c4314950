import Foundation
import RESP
import Testing

/// redis-cli, the tool people reach for first: one-shot commands, piped
/// commands, --pipe mass insertion, and its rendering of replies compared
/// with the same invocations against a real redis-server.
@Suite("redis-cli")
struct RedisCLITests {
    @Test("one-shot `incr hits` three times prints 1, 2, 3; `get hits` prints 3")
    func oneShot() throws {
        let cli = try PackagePaths.tool("redis-cli", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let port = String(tally.port)
            for expected in ["1\n", "2\n", "3\n"] {
                let output = try runProgram(cli, ["-p", port, "incr", "hits"])
                #expect(output.termination == .exited(0))
                #expect(output.stdout == expected)
            }
            #expect(try runProgram(cli, ["-p", port, "get", "hits"]).stdout == "3\n")
            #expect(try runProgram(cli, ["-p", port, "set", "s", "abc"]).stdout == "OK\n")
            // redis-cli prints an error reply and, when not on a terminal, an empty line after it.
            #expect(try runProgram(cli, ["-p", port, "incr", "s"]).stdout == "ERR value is not an integer or out of range\n\n")
            let hello = try runProgram(cli, ["-3", "-p", port, "hello", "3"])
            #expect(hello.stdout.split(separator: "\n").contains("proto 3"), "\(hello.stdout)")
        }
    }

    @Test("commands piped on standard input run in order")
    func piped() throws {
        let cli = try PackagePaths.tool("redis-cli", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let input = "incr hits\nincr hits\nincr hits\nget hits\nset greeting \"hello world\"\nget greeting\n"
            let output = try runProgram(cli, ["-p", String(tally.port)], input: Array(input.utf8))
            #expect(output.termination == .exited(0))
            #expect(output.stdout == "1\n2\n3\n3\nOK\nhello world\n")
        }
    }

    @Test("--pipe mass insertion of 10,000 RESP commands")
    func pipeMode() throws {
        let cli = try PackagePaths.tool("redis-cli", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            var input: [UInt8] = []
            for index in 0..<5000 {
                input += encodeCommand("INCR", "counter")
                input += encodeCommand("SET", "key:\(index)", "value \(index)")
            }
            let output = try runProgram(cli, ["-p", String(tally.port), "--pipe"], input: input, timeout: 120)
            #expect(output.termination == .exited(0), "\(output.stdout) \(output.stderr)")
            #expect(output.stdout.contains("errors: 0, replies: 10000"), "\(output.stdout)")
            let connection = try tally.connect()
            #expect(try connection.call("GET", "counter") == .bulkString("5000"))
            #expect(try connection.call("GET", "key:4999") == .bulkString("value 4999"))
            #expect(try connection.call("DBSIZE") == .integer(5001))
        }
    }

    /// Invocations whose output must be the same against both servers.
    static let invocations: [[String]] = [
        ["incr", "hits"], ["incr", "hits"], ["get", "hits"], ["get", "missing"],
        ["set", "s", "abc"], ["incr", "s"], ["mget", "hits", "s", "missing"],
        ["--no-raw", "mget", "hits", "s", "missing"], ["--no-raw", "incr", "hits"], ["--no-raw", "incr", "s"],
        ["-3", "hello", "3"], ["hello", "2"], ["-3", "mget", "hits", "missing"], ["-3", "--no-raw", "get", "missing"],
        ["ping"], ["echo", "two words"], ["set", "t", "1000"], ["incrbyfloat", "t", "0.1"],
        ["-3", "incrbyfloat", "t", "0.1"], ["setex", "e", "100", "v"], ["ttl", "e"], ["exists", "hits", "e", "nope"],
        ["del", "e"], ["type", "hits"], ["dbsize"], ["select", "99"], ["nosuchcommand", "arg"], ["-n", "3", "incr", "hits"],
        ["-n", "3", "get", "hits"], ["--no-raw", "-3", "hello", "3"], ["-3", "config", "get", "databases"],
    ]

    @Test("the same output as against redis-server")
    func sameOutputAsRedis() throws {
        let cli = try PackagePaths.tool("redis-cli", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            for invocation in Self.invocations {
                let theirs = try runProgram(cli, ["-p", String(redis.port)] + invocation)
                let ours = try runProgram(cli, ["-p", String(tally.port)] + invocation)
                #expect(Self.maskingIDs(ours.stdout) == Self.maskingIDs(theirs.stdout),
                        "redis-cli \(invocation.joined(separator: " "))\n  redis-server: \(theirs.stdout.debugDescription)\n  tally-server: \(ours.stdout.debugDescription)")
                #expect(ours.termination == theirs.termination)
            }
        }
    }

    /// HELLO's `id` line differs between servers.
    static func maskingIDs(_ output: String) -> String {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices {
            if lines[index].hasPrefix("id ") { lines[index] = "id <id>" }
            if index > 0 && lines[index - 1] == "id" { lines[index] = "<id>" }
            if lines[index].contains("# \"id\" => ") { lines[index] = "<id line>" }
        }
        return lines.joined(separator: "\n")
    }
}
