import Testing

/// SCAN and KEYS with MATCH, where Redis skips the pattern for a lone `*`.
@Suite struct KeyListingTests {
    @Test func scanMatchStarReturnsTheEmptyKey() throws {
        // redis-server 7.0.15: SET "" v; SCAN 0 MATCH * → 0, [""]: scanGenericCommand
        // does not match at all when the pattern is "*" (stringmatchlen("*", "") is 0).
        let harness = try ServerHarness()
        harness.send(["set", "", "v"])
        #expect(harness.send(["scan", "0", "MATCH", "*"]) == "*2\r\n$1\r\n0\r\n*1\r\n$0\r\n\r\n")
    }

    @Test func keysStarReturnsTheEmptyKey() throws {
        let harness = try ServerHarness()
        harness.send(["set", "", "v"])
        #expect(harness.send(["keys", "*"]) == "*1\r\n$0\r\n\r\n")
        #expect(harness.send(["keys", "**"]) == "*0\r\n")
    }

    @Test func hscanMatchStarReturnsTheEmptyField() throws {
        // redis-server 7.0.15: HSET h "" 1; HSCAN h 0 MATCH * → 0, ["", "1"].
        let harness = try ServerHarness()
        harness.send(["hset", "h", "", "1"])
        #expect(harness.send(["hscan", "h", "0", "MATCH", "*"]) == "*2\r\n$1\r\n0\r\n*2\r\n$0\r\n\r\n$1\r\n1\r\n")
    }
}
