import Foundation
import Testing

/// Seeded random command sequences (`RandomCommandGenerator`) sent to a fresh
/// redis-server and a fresh tally-server, RESP2 and RESP3, every reply
/// compared byte for byte (`RandomDifferentialRunner`). This short run has
/// fixed seeds; `scripts/fuzz-diff.sh SEED N` (`make fuzz-diff`) runs a long
/// one through `RandomDifferentialLongRunTests`.
@Suite("Random differential: seeded sequences, redis-server and tally-server answer the same bytes")
struct RandomDifferentialTests {
    static let seeds: [UInt64] = [1, 2, 3]
    static let commandsPerRun = 2_000

    @Test("a short run: same replies as redis-server", arguments: seeds, [2, 3])
    func shortRun(seed: UInt64, protocolVersion: Int) throws {
        let statistics = try Self.play(seed: seed, count: Self.commandsPerRun, protocolVersion: protocolVersion)
        // The run must have exercised what it is for, not just compared replies.
        #expect(statistics.compared == Self.commandsPerRun)
        #expect(statistics.execArrays > 0, "no transaction ran")
        #expect(statistics.execNull > 0, "no WATCH made EXEC answer null")
        #expect(statistics.execAborted > 0, "no queue error made EXEC abort")
        #expect(statistics.onConnectionB > Self.commandsPerRun / 10)
        #expect(statistics.errors > 0 && statistics.errors < Self.commandsPerRun / 2, "\(statistics.errors) error replies")
    }

    @Test("the generator is deterministic, prefix-stable, and covers the command families")
    func generator() {
        let long = RandomCommandGenerator.steps(seed: 1, count: 3_000)
        #expect(RandomCommandGenerator.steps(seed: 1, count: 1_000) == Array(long.prefix(1_000)))
        #expect(RandomCommandGenerator.steps(seed: 2, count: 1_000) != Array(long.prefix(1_000)))

        let names = Set(Self.seeds.flatMap { RandomCommandGenerator.steps(seed: $0, count: Self.commandsPerRun).map(\.name) })
        let required = [
            "SET", "GET", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "APPEND", "STRLEN", "GETSET", "GETDEL",
            "GETEX", "GETRANGE", "SETRANGE", "MSET", "MGET", "MSETNX", "SETNX", "SETEX", "PSETEX",
            "HSET", "HGET", "HDEL", "HINCRBY", "HINCRBYFLOAT", "HGETALL", "HLEN", "HEXISTS", "HKEYS", "HVALS",
            "HSTRLEN", "HSETNX", "HMGET", "DEL", "EXISTS", "TYPE", "RENAME", "RENAMENX", "COPY", "MOVE", "PERSIST",
            "EXPIRE", "EXPIREAT", "PEXPIREAT", "TTL", "PTTL", "KEYS", "OBJECT", "SELECT", "MULTI", "EXEC", "DISCARD",
            "WATCH", "UNWATCH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LMPOP", "LMOVE", "RPOPLPUSH",
            "LLEN", "LRANGE", "LINDEX", "LPOS", "LSET", "LTRIM", "LREM", "LINSERT",
            "SADD", "SREM", "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD", "SPOP", "SRANDMEMBER", "SMOVE", "SINTER",
            "SUNION", "SDIFF", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "SINTERCARD", "SSCAN",
            "ZADD", "ZINCRBY", "ZSCORE", "ZMSCORE", "ZCARD", "ZRANK", "ZREVRANK", "ZREM", "ZPOPMIN", "ZPOPMAX", "ZMPOP",
            "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZCOUNT", "ZLEXCOUNT", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE",
            "ZREMRANGEBYLEX", "ZRANGESTORE", "ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZINTERCARD",
            "ZSCAN", "ZRANDMEMBER",
        ]
        #expect(required.filter { !names.contains($0) } == [])
        let excluded = ["RANDOMKEY", "HRANDFIELD"]
        #expect(excluded.filter { names.contains($0) } == [])
        // Every expiry set with a relative time is long: nothing may expire during a run.
        for step in long where ["EXPIRE", "SETEX"].contains(step.name) && step.arguments.count > 2 {
            if let seconds = Int(String(decoding: step.arguments[2], as: UTF8.self)), seconds > 0 {
                #expect(seconds >= 1_000, "\(step.text)")
            }
        }
    }

    /// Starts a fresh redis-server and tally-server, plays `count` commands of
    /// `seed` on both, and records the first divergence as an issue with
    /// everything needed to replay it.
    @discardableResult
    static func play(seed: UInt64, count: Int, protocolVersion: Int, shrinkSeconds: Double = 60,
                     progressEvery: Int? = nil) throws -> RandomDifferentialRunner.Statistics {
        try withTemporaryDirectory { directory in
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            let tally = try TallyProcess(databasePath: directory + "/tally.db")
            defer { tally.stop() }
            let runner = RandomDifferentialRunner(redisPort: redis.port, tallyPort: tally.port, protocolVersion: protocolVersion)
            var generator = RandomCommandGenerator(seed: seed)
            var statistics = RandomDifferentialRunner.Statistics()
            var reported = 0
            let started = Date()
            let divergence = runner.run(count: count, statistics: &statistics, progress: { done in
                guard let every = progressEvery, done / every > reported else { return }
                reported = done / every
                say("fuzz-diff: seed \(seed) RESP\(protocolVersion): \(done)/\(count) commands, no divergence (\(Int(Date().timeIntervalSince(started))) s)")
            }, next: { generator.next() })
            guard let divergence else { return statistics }

            var report = """
                random differential: the first divergence for seed \(seed), RESP\(protocolVersion), at \(divergence)
                  replay: scripts/fuzz-diff.sh \(seed) \(max(divergence.index + 1, 1)) (or make fuzz-diff SEED=\(seed) N=\(max(divergence.index + 1, 1))); \
                the sequence for N commands is the start of any longer one
                """
            if divergence.index >= 0 && divergence.index < count {
                let steps = RandomCommandGenerator.steps(seed: seed, count: divergence.index + 1)
                report += "\n  the commands before it:\n"
                for index in max(0, divergence.index - 15)...divergence.index {
                    report += "    #\(index) \(steps[index].label): \(steps[index].text)\n"
                }
                if tally.child.isRunning {
                    let shrunk = runner.shrink(steps, deadline: Date().addingTimeInterval(shrinkSeconds))
                    report += "  shrunk to \(shrunk.count) commands that still diverge at the last (A and B are two connections; after FLUSHALL):\n"
                    report += shrunk.map { "    \($0.label): \($0.text)\n" }.joined()
                    if shrunk.allSatisfy({ $0.connection == 0 }) {
                        report += "  as corpus lines (Corpus/README.md):\n" + shrunk.map { "    \($0.text)\n" }.joined()
                    }
                } else {
                    report += "  tally-server is no longer running (\(tally.child.waitForExit(timeout: 0)?.description ?? "?")); stderr: \(tally.child.stderr.text.suffix(2000))\n"
                }
            }
            say(report)
            Issue.record(Comment(rawValue: report))
            return statistics
        }
    }

    /// Writes a line to standard output at once (print buffers when it is a
    /// pipe, and a long run's progress would show only at its end).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
