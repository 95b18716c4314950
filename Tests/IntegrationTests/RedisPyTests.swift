import Foundation
import Testing

/// redis-py's current release (pinned in requirements-test.txt, installed
/// into `.venv` by `make test`) against tally-server: its default protocol
/// (RESP3, negotiated with HELLO 3) and forced RESP2 and RESP3.
@Suite("redis-py")
struct RedisPyTests {
    /// Lines every run must print, whatever the protocol.
    static let expectedLines = [
        "flushall True",
        "incr 1 2 3",
        "get b'3'",
        "set True b'tally'",
        "get-missing None",
        "set-nx None b'tally'",
        "set-get b'tally' b'y'",
        "setex True 100 -2",
        "mset True [b'1', b'2', None]",
        "incrby 11 10 5",
        "incrbyfloat 0.1 1000.1",
        "exists 2",
        "keys [b'a', b'b', b'f', b'hits', b'temp']",
        "expire True 100 True -1 -2",
        "info-version 7.0.15",
        "incr-error ResponseError(value is not an integer or out of range)",
        "pipeline-tx ['True', '2', \"b'2'\", 'ResponseError(value is not an integer or out of range)', '7']",
        "pipeline-plain ['4', \"b'4'\", 'ResponseError(value is not an integer or out of range)', 'True', \"b'q'\"]",
        "after-abort None",
        "final b'4' 6",
        "list 3 4 [b'z', b'a', b'b', b'1'] [b'z', b'a'] 2 1",
        "set 4 [b'1', b'2', b'3', b'x'] 1 [1, 0] 4",
        "set-ops 2 [b'1'] [b'1', b'2', b'3', b'9', b'x'] 3 [b'2', b'3', b'x']",
        "collections-gone 6 6",
    ]

    @Test("same results as against redis-server", arguments: [
        ("default", "protocol 3\nhello-proto 3"),
        ("2", "protocol 2\nhello-proto None"),
        ("3", "protocol 3\nhello-proto 3"),
    ])
    func redisPy(mode: String, handshake: String) throws {
        let python = PackagePaths.venvPython.path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("the redis-py virtual environment is missing: \(python) not found; run `make test` (it creates .venv from requirements-test.txt)")
            return
        }
        let script = PackagePaths.compat.appendingPathComponent("redis_py_check.py").path
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            let ours = try runProgram(python, [script, String(tally.port), mode], timeout: 120)
            let theirs = try runProgram(python, [script, String(redis.port), mode], timeout: 120)
            #expect(theirs.termination == .exited(0), "against redis-server: \(theirs.stderr)")
            #expect(ours.termination == .exited(0), "against tally-server: \(ours.stderr)")
            #expect(ours.stderr.isEmpty, "\(ours.stderr)")

            let lines = ours.stdout.split(separator: "\n").map(String.init)
            #expect(lines.prefix(2).joined(separator: "\n") == handshake)
            for line in Self.expectedLines {
                #expect(lines.contains(line), "missing line: \(line)\nstdout:\n\(ours.stdout)")
            }
            let reference = theirs.stdout.split(separator: "\n").map(String.init)
            for (index, (mine, expected)) in zip(lines, reference).enumerated() where mine != expected {
                Issue.record("line \(index + 1) differs\n  redis-server: \(expected)\n  tally-server: \(mine)")
            }
            #expect(lines.count == reference.count)
        }
    }
}
