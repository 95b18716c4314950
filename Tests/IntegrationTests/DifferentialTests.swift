import Foundation
import RESP
import Testing

/// The corpus under `Corpus/` played against a real `redis-server` and
/// against `tally-server`, each fresh, in RESP2 and in RESP3: every reply
/// must be the same bytes.
@Suite("Differential: redis-server and tally-server answer the same bytes")
struct DifferentialTests {
    static let scripts: [CorpusScript] = (try? CorpusScript.all()) ?? []

    @Test("the corpus parses and is not empty")
    func corpusLoads() throws {
        let scripts = try CorpusScript.all()
        #expect(scripts.count >= 10)
        #expect(scripts.allSatisfy { !$0.steps.isEmpty })
    }

    @Test("same replies as redis-server", arguments: scripts, [2, 3])
    func sameReplies(script: CorpusScript, protocolVersion: Int) throws {
        try withTemporaryDirectory { directory in
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            let tally = try TallyProcess(databasePath: directory + "/tally.db")
            defer { tally.stop() }
            let expected = DifferentialRunner.run(script, protocolVersion: protocolVersion, port: redis.port)
            let actual = DifferentialRunner.run(script, protocolVersion: protocolVersion, port: tally.port)
            // The corpus itself must play through on the reference server.
            let broken = expected.filter { $0.line == -1 }.map { String(decoding: $0.bytes, as: UTF8.self) }
            #expect(broken.isEmpty, "the script does not play on redis-server: \(broken)")
            // FLUSHALL, every exchange, a HELLO 3 per connection in RESP3, and the final ECHO unless the script ends closed.
            let setUp = 1 + (protocolVersion == 3 ? 1 + script.reconnects : 0) + (script.endsClosed ? 0 : 1)
            #expect(expected.count == script.steps.filter(\.isExchange).count + setUp)
            for difference in DifferentialRunner.differences(script: script.name, protocolVersion: protocolVersion, redis: expected, tally: actual) {
                Issue.record(Comment(rawValue: difference))
            }
        }
    }
}

extension CorpusScript.Step {
    /// A step that sends something and records what comes back.
    var isExchange: Bool {
        if case .send = action { true } else { false }
    }
}

extension CorpusScript {
    /// Whether the last step reads until the server closes.
    var endsClosed: Bool {
        if case .send(_, .close, _) = steps.last?.action { true } else { false }
    }

    var reconnects: Int {
        steps.filter { if case .reconnect = $0.action { true } else { false } }.count
    }
}

/// Differential checks whose input is too large or too many for a corpus line.
@Suite("Differential: large values and deep pipelines")
struct LargeDifferentialTests {
    /// Sends `commands` as one pipeline to a fresh redis-server and a fresh
    /// tally-server (after FLUSHALL) and records every reply that differs.
    private func compare(_ commands: [[[UInt8]]], protocolVersion: Int = 2, label: (Int) -> String) throws {
        try withTemporaryDirectory { directory in
            let redis = try RedisProcess(directory: directory)
            defer { redis.stop() }
            let tally = try TallyProcess(databasePath: directory + "/tally.db")
            defer { tally.stop() }
            var transcripts: [[[UInt8]]] = []
            for port in [redis.port, tally.port] {
                let connection = try RESPConnection(port: port, timeout: 60)
                if protocolVersion == 3 { try connection.call("HELLO", "3") }
                try connection.call("FLUSHALL")
                try connection.send(commands.flatMap { encodeCommand($0) })
                transcripts.append(try commands.map { _ in try connection.readReply() })
            }
            var differences = 0
            for index in commands.indices where transcripts[0][index] != transcripts[1][index] {
                differences += 1
                if differences <= 5 {
                    Issue.record("""
                        \(label(index)) RESP\(protocolVersion)
                          redis-server: \(Bytes.escaped(transcripts[0][index].prefix(300)))
                          tally-server: \(Bytes.escaped(transcripts[1][index].prefix(300)))
                        """)
                }
            }
            #expect(differences == 0, "\(differences) replies differ")
        }
    }

    @Test("a 4 MiB binary value: SET, GET, STRLEN, GETRANGE, APPEND, MGET", arguments: [2, 3])
    func largeValue(protocolVersion: Int) throws {
        var generator = SplitMix64(seed: 42)
        let value = (0..<(4 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let key = Array("big".utf8)
        let commands: [[[UInt8]]] = [
            [Array("SET".utf8), key, value],
            [Array("GET".utf8), key],
            [Array("STRLEN".utf8), key],
            [Array("GETRANGE".utf8), key, Array("1000".utf8), Array("70000".utf8)],
            [Array("APPEND".utf8), key, Array(value.prefix(100_000))],
            [Array("MGET".utf8), key, Array("missing".utf8), key],
            [Array("HSET".utf8), Array("h".utf8), Array("field".utf8), value],
            [Array("HGET".utf8), Array("h".utf8), Array("field".utf8)],
            [Array("GETDEL".utf8), key],
            [Array("EXISTS".utf8), key],
        ]
        try compare(commands, protocolVersion: protocolVersion) { String(decoding: commands[$0][0], as: UTF8.self) }
    }

    @Test("5,000 mixed commands sent as one pipeline", arguments: [2, 3])
    func deepPipeline(protocolVersion: Int) throws {
        var generator = SplitMix64(seed: 7)
        var commands: [[String]] = []
        for index in 0..<5000 {
            let key = "k\(generator.next() % 50)"
            switch generator.next() % 10 {
            case 0: commands.append(["SET", key, "v\(index)"])
            case 1: commands.append(["INCR", key])
            case 2: commands.append(["GET", key])
            case 3: commands.append(["INCRBYFLOAT", key, "1.5"])
            case 4: commands.append(["APPEND", key, "x"])
            case 5: commands.append(["DEL", key])
            case 6: commands.append(["HINCRBY", "h" + key, "f", "3"])
            case 7: commands.append(["EXPIRE", key, "1000"])
            case 8: commands.append(["MGET", key, "k1", "hk2"])
            default: commands.append(["TTL", key])
            }
        }
        commands.append(["DBSIZE"])
        try compare(commands.map { $0.map { Array($0.utf8) } }, protocolVersion: protocolVersion) { index in
            "command \(index): \(commands[index].joined(separator: " "))"
        }
    }
}

/// A small deterministic generator, so a failing input can be replayed.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
