import Testing

/// SET's options and SETEX/PSETEX, through the real table and handlers;
/// every reply was read from redis-server 7.0.15 after the same commands.
@Suite struct SetCommandTests {
    private static let syntax = "-ERR syntax error\r\n"
    private static let notInteger = "-ERR value is not an integer or out of range\r\n"
    private static func invalidExpire(_ command: String) -> String { "-ERR invalid expire time in '\(command)' command\r\n" }

    /// (commands run first, the command, its reply)
    static let rows: [([[String]], [String], String)] = [
        ([], ["set", "k", "v"], "+OK\r\n"),
        ([["set", "k", "v"]], ["set", "k", "v", "NX"], "$-1\r\n"),
        ([], ["set", "k", "v", "nx"], "+OK\r\n"),
        ([], ["set", "k", "v", "XX"], "$-1\r\n"),
        ([["set", "k", "old"]], ["set", "k", "v", "xx"], "+OK\r\n"),
        ([["set", "k", "v"]], ["set", "k", "v", "nx", "nx"], "$-1\r\n"),
        ([], ["set", "k", "v", "NX", "XX"], syntax),
        ([], ["set", "k", "v", "XX", "NX"], syntax),
        ([], ["set", "k", "v", "EX", "10", "PX", "100"], syntax),
        ([], ["set", "k", "v", "EX", "10", "EX", "20"], "+OK\r\n"),
        ([], ["set", "k", "v", "KEEPTTL", "EX", "10"], syntax),
        ([], ["set", "k", "v", "EX", "10", "KEEPTTL"], syntax),
        ([], ["set", "k", "v", "KEEPTTL", "KEEPTTL"], "+OK\r\n"),
        ([], ["set", "k", "v", "EX"], syntax),
        ([], ["set", "k", "v", "EX", "1", "PX"], syntax),
        ([], ["set", "k", "v", "PERSIST"], syntax),
        ([], ["set", "k", "v", "foo"], syntax),
        ([], ["set", "k", "v", "EX", "0"], invalidExpire("set")),
        ([], ["set", "k", "v", "EX", "-1"], invalidExpire("set")),
        ([], ["set", "k", "v", "EX", "abc"], notInteger),
        ([], ["set", "k", "v", "EX", "9223372036854775807"], invalidExpire("set")),
        ([], ["set", "k", "v", "EX", "9223372036854775"], invalidExpire("set")),
        ([], ["set", "k", "v", "PX", "9223372036854775807"], invalidExpire("set")),
        ([], ["set", "k", "v", "PXAT", "0"], invalidExpire("set")),
        ([], ["set", "k", "v", "exat", "-1"], invalidExpire("set")),
        ([["set", "g", "old"]], ["set", "g", "new", "GET"], "$3\r\nold\r\n"),
        ([], ["set", "g", "x", "GET"], "$-1\r\n"),
        ([], ["set", "g", "x", "get", "get"], "$-1\r\n"),
        ([["set", "g", "old"]], ["set", "g", "newer", "NX", "GET"], "$3\r\nold\r\n"),
        ([["set", "g", "old"]], ["set", "g", "v", "XX", "GET"], "$3\r\nold\r\n"),
        ([["hset", "h", "f", "1"]], ["set", "h", "v", "GET"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ([], ["setex", "k", "0", "v"], invalidExpire("setex")),
        ([], ["setex", "k", "abc", "v"], notInteger),
        ([], ["setex", "k", "10", "v"], "+OK\r\n"),
        ([], ["psetex", "k", "-5", "v"], invalidExpire("psetex")),
    ]

    @Test(arguments: rows)
    func replyMatchesRedis(setup: [[String]], command: [String], reply: String) throws {
        let harness = try ServerHarness()
        for step in setup { harness.send(step) }
        #expect(harness.send(command) == reply)
    }

    /// (commands run first, the command, GET's reply afterwards)
    static let effects: [([[String]], [String], String)] = [
        ([["set", "g", "old"]], ["set", "g", "newer", "NX", "GET"], "$3\r\nold\r\n"),
        ([["set", "g", "old"]], ["set", "g", "new", "GET"], "$3\r\nnew\r\n"),
        ([], ["set", "k", "v", "XX"], "$-1\r\n"),
        ([], ["set", "k", "v", "EXAT", "1"], "$-1\r\n"),
        ([], ["set", "k", "1", "pxat", "99999999999999"], "$1\r\n1\r\n"),
        ([["hset", "k", "f", "1"]], ["set", "k", "v"], "$1\r\nv\r\n"),
    ]

    @Test(arguments: effects)
    func storedValueMatchesRedis(setup: [[String]], command: [String], get: String) throws {
        let harness = try ServerHarness()
        for step in setup { harness.send(step) }
        harness.send(command)
        #expect(harness.send(["get", command[1]]) == get)
    }

    @Test func keepTTLKeepsTheDeadlineAndPlainSetClearsIt() throws {
        let harness = try ServerHarness()
        #expect(harness.send(["set", "t", "v", "EX", "100"]) == "+OK\r\n")
        #expect(harness.send(["set", "t", "v2", "KEEPTTL"]) == "+OK\r\n")
        let ttl = harness.send(["ttl", "t"])
        #expect(ttl == ":100\r\n" || ttl == ":99\r\n")
        #expect(harness.send(["set", "t", "v3"]) == "+OK\r\n")
        #expect(harness.send(["ttl", "t"]) == ":-1\r\n")
    }
}
