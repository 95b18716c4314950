import Foundation
import Testing

/// Clients and tools other than redis-cli and redis-py's sync client (see
/// RedisCLITests, RedisPyTests) against tally-server: redis-benchmark's
/// default set, redis-py's asyncio client in RESP2 and RESP3, and hiredis
/// through a small C program. Each runs against a real redis-server too and
/// the outputs are compared.
@Suite("Client matrix: redis-benchmark, redis-py asyncio, hiredis")
struct ClientMatrixTests {
    /// redis-benchmark 7.0's default tests in its order: the `-t` name and
    /// the title it prints. Every one uses commands tally-server implements.
    static let benchmarkTests: [(name: String, title: String)] = [
        ("ping_inline", "PING_INLINE"),
        ("ping_mbulk", "PING_MBULK"),
        ("set", "SET"),
        ("get", "GET"),
        ("incr", "INCR"),
        ("lpush", "LPUSH"),
        ("rpush", "RPUSH"),
        ("lpop", "LPOP"),
        ("rpop", "RPOP"),
        ("sadd", "SADD"),
        ("hset", "HSET"),
        ("spop", "SPOP"),
        ("zadd", "ZADD"),
        ("zpopmin", "ZPOPMIN"),
        ("lrange_100", "LRANGE_100 (first 100 elements)"),
        ("lrange_300", "LRANGE_300 (first 300 elements)"),
        ("lrange_500", "LRANGE_500 (first 500 elements)"),
        ("lrange_600", "LRANGE_600 (first 600 elements)"),
        ("mset", "MSET (10 keys)"),
    ]

    /// The titles of a default run: every test, and the LPUSH that fills the
    /// list for the LRANGE tests.
    static let defaultTitles = Array(benchmarkTests.map(\.title).prefix(14))
        + ["LPUSH (needed to benchmark LRANGE)"] + benchmarkTests.map(\.title).suffix(5)

    // MARK: - redis-benchmark

    @Test("redis-benchmark's default set, test by test: each completes against tally-server")
    func benchmarkEachTest() throws {
        let benchmark = try PackagePaths.tool("redis-benchmark", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            for test in Self.benchmarkTests {
                let ours = try runProgram(benchmark, ["-p", String(tally.port), "-q", "-n", "2000", "-t", test.name], timeout: 120)
                let rates = Self.requestsPerSecond(ours.stdout)
                #expect(ours.termination == .exited(0), "\(test.name): \(ours.termination) \(ours.stderr)")
                #expect(ours.stderr.isEmpty, "\(test.name): \(ours.stderr)")
                let titles = test.name.hasPrefix("lrange") ? ["LPUSH (needed to benchmark LRANGE)", test.title] : [test.title]
                #expect(rates.map(\.title) == titles, "\(test.name): \(ours.stdout)")
                #expect(rates.allSatisfy { $0.rate > 0 }, "\(test.name): \(rates)")
            }
        }
    }

    @Test("redis-benchmark with no -t: the whole default set runs against tally-server as against redis-server, and leaves the same keys")
    func benchmarkDefaultRun() throws {
        let benchmark = try PackagePaths.tool("redis-benchmark", package: "redis-tools")
        let cli = try PackagePaths.tool("redis-cli", package: "redis-tools")
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }

            // redis-benchmark exits at the first error reply, so a complete
            // run means every default test's commands answered.
            let reference = try runProgram(benchmark, ["-p", String(redis.port), "-q", "-n", "2000"], timeout: 300)
            #expect(reference.termination == .exited(0), "\(reference.stderr)")
            #expect(Self.requestsPerSecond(reference.stdout).map(\.title) == Self.defaultTitles,
                    "redis-benchmark's default set is not the one this test knows (another redis-tools version?): \(reference.stdout)")
            let ours = try runProgram(benchmark, ["-p", String(tally.port), "-q", "-n", "2000"], timeout: 300)
            let completed = Self.requestsPerSecond(ours.stdout)
            #expect(ours.termination == .exited(0), "\(ours.stderr)")
            #expect(ours.stderr.isEmpty, "\(ours.stderr)")
            #expect(completed.map(\.title) == Self.defaultTitles, "\(ours.stdout)")
            #expect(completed.allSatisfy { $0.rate > 0 }, "\(completed)")

            // Both servers end with the same keys, types and sizes.
            let expected = try Self.keySummary(cli: cli, port: redis.port)
            #expect(expected.contains("mylist list 2000"), "\(expected)")
            #expect(try Self.keySummary(cli: cli, port: tally.port) == expected)
        }
    }

    /// `key type size` for every key of database 0, sorted: the size is
    /// STRLEN, HLEN, LLEN, SCARD or ZCARD by type.
    static func keySummary(cli: String, port: Int) throws -> [String] {
        func call(_ arguments: [String]) throws -> String {
            let result = try runProgram(cli, ["-p", String(port)] + arguments, timeout: 30)
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let sizeCommand = ["string": "STRLEN", "hash": "HLEN", "list": "LLEN", "set": "SCARD", "zset": "ZCARD"]
        return try call(["KEYS", "*"]).split(separator: "\n").map(String.init).sorted().map { key in
            let type = try call(["TYPE", key])
            let size = try sizeCommand[type].map { try call([$0, key]) } ?? "?"
            return "\(key) \(type) \(size)"
        }
    }

    /// `TITLE: 12345.67 requests per second, …` lines of a `-q` run (progress lines end in `\r`).
    static func requestsPerSecond(_ output: String) -> [(title: String, rate: Double)] {
        output.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).compactMap { line in
            guard let range = line.range(of: " requests per second") else { return nil }
            let head = line[..<range.lowerBound]
            guard let colon = head.range(of: ": ", options: .backwards),
                  let rate = Double(head[colon.upperBound...].trimmingCharacters(in: .whitespaces)) else { return nil }
            return (head[..<colon.lowerBound].trimmingCharacters(in: .whitespaces), rate)
        }
    }

    // MARK: - redis-py asyncio

    /// Lines every run must print, whatever the protocol.
    static let asyncioLines = [
        "flushall True",
        "incr 1 2 12",
        "get b'12'",
        "set True b'tally'",
        "get-missing None",
        "set-nx None b'tally'",
        "mset True [b'1', None, b'2']",
        "incrbyfloat 0.1",
        "hash 2 7 [(b'/', b'1'), (b'/about', b'7')]",
        "incr-error ResponseError(value is not an integer or out of range)",
        "gather 100 True b'100'",
        "pipeline-tx ['True', '2', \"b'2'\", 'ResponseError(value is not an integer or out of range)', '7']",
        "pipeline-plain ['13', \"b'13'\", 'True', \"b'q'\"]",
        "transaction [True] 2 b'11'",
        "watch-error WatchError",
        "after-watch b'changed'",
        "final b'13' 11",
    ]

    @Test("redis-py asyncio: INCR, SET/GET, pipelines, transactions and WATCH, as against redis-server", arguments: [2, 3])
    func redisPyAsyncio(protocolVersion: Int) throws {
        let python = PackagePaths.venvPython.path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("the redis-py virtual environment is missing: \(python) not found; run `make test` (it creates .venv from requirements-test.txt)")
            return
        }
        let script = PackagePaths.compat.appendingPathComponent("redis_py_async_check.py").path
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            let ours = try runProgram(python, [script, String(tally.port), String(protocolVersion)], timeout: 120)
            let theirs = try runProgram(python, [script, String(redis.port), String(protocolVersion)], timeout: 120)
            #expect(theirs.termination == .exited(0), "against redis-server: \(theirs.stderr)")
            #expect(ours.termination == .exited(0), "against tally-server: \(ours.stderr)")
            #expect(ours.stderr.isEmpty, "\(ours.stderr)")
            Self.compare(ours.stdout, theirs.stdout, required: ["resp \(protocolVersion)"] + Self.asyncioLines)
        }
    }

    // MARK: - hiredis

    static let hiredisLines = [
        "flushall +OK",
        "ping +PONG",
        "incr :3",
        "get \"3\" (1 bytes)",
        "get-missing (nil)",
        "get-binary \"a\\x00b\\x0d\\x0a\\xff\" (6 bytes)",
        "get-empty \"\" (0 bytes)",
        "incr-error -ERR value is not an integer or out of range",
        "incrbyfloat \"0.1\" (3 bytes)",
        "mget [\"1\" (1 bytes), (nil), \"2\" (1 bytes)]",
        "hincrby :6",
        "wrongtype -WRONGTYPE Operation against a key holding the wrong kind of value",
        "unknown -ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'list' 'x' ",
        "pipeline 1000 replies in order, last :1000",
        "pipeline-get \"1000\" (4 bytes)",
        "multi-1 +QUEUED",
        "multi-4 [:4, \"4\" (1 bytes), -ERR value is not an integer or out of range]",
        "exists :2",
        "dbsize :8",
    ]

    @Test("hiredis (a small C program): INCR, SET/GET of binary values, a 1,000-command pipeline, MULTI/EXEC, as against redis-server")
    func hiredis() throws {
        let compiler = try PackagePaths.tool("gcc", package: "gcc")
        guard FileManager.default.fileExists(atPath: "/usr/include/hiredis/hiredis.h") else {
            throw HarnessError("/usr/include/hiredis/hiredis.h not found: install Debian's libhiredis-dev")
        }
        let source = PackagePaths.compat.appendingPathComponent("hiredis_check.c").path
        try withTemporaryDirectory { directory in
            let program = directory + "/hiredis_check"
            let built = try runProgram(compiler, ["-Wall", "-Werror", "-o", program, source, "-lhiredis"], timeout: 120)
            try #require(built.termination == .exited(0), "gcc failed (is libhiredis-dev installed?): \(built.stderr)")
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            let ours = try runProgram(program, [String(tally.port)], timeout: 60)
            let theirs = try runProgram(program, [String(redis.port)], timeout: 60)
            #expect(theirs.termination == .exited(0), "against redis-server: \(theirs.stderr)")
            #expect(ours.termination == .exited(0), "against tally-server: \(ours.stderr)")
            Self.compare(ours.stdout, theirs.stdout, required: Self.hiredisLines)
        }
    }

    /// Every `required` line is in `ours`, and `ours` is `theirs` line for line.
    static func compare(_ ours: String, _ theirs: String, required: [String]) {
        let lines = ours.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in required {
            #expect(lines.contains(line), "missing line: \(line)\noutput:\n\(ours)")
        }
        let reference = theirs.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, (mine, expected)) in zip(lines, reference).enumerated() where mine != expected {
            Issue.record("line \(index + 1) differs\n  redis-server: \(expected)\n  tally-server: \(mine)")
        }
        #expect(lines.count == reference.count, "tally-server:\n\(ours)\nredis-server:\n\(theirs)")
    }
}
