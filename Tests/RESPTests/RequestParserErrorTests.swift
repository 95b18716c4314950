import Testing
@testable import RESP

/// Malformed multibulk requests and the bounds on what a peer may make us buffer.
/// Every expected error was checked against redis-server 7.0.15.
@Suite struct RequestParserErrorTests {
    @Test(arguments: Feed.allCases, ["*x\r\n", "*01\r\n", "*+1\r\n", "* 1\r\n", "*\r\n", "*1 \r\n", "*-\r\n",
                                     "*99999999999999999999\r\n"])
    func invalidCountLine(feed: Feed, input: String) {
        #expect(throws: ProtocolError.invalidMultibulkLength) { try parseRequests(input, feed: feed) }
    }

    @Test(arguments: Feed.allCases)
    func countOverTheLimit(feed: Feed) throws {
        let limits = RequestLimits(maxElements: 3)
        let atLimit = try parseRequests("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", feed: feed, limits: limits)
        #expect(atLimit.strings == [["a", "b", "c"]])
        #expect(throws: ProtocolError.invalidMultibulkLength) {
            try parseRequests("*4\r\n", feed: feed, limits: limits)
        }
    }

    @Test func defaultCountLimitIsOneMebiElement() throws {
        #expect(throws: ProtocolError.invalidMultibulkLength) { try parseRequests("*1048577\r\n", feed: .whole) }
        // A count at the limit only waits for its elements; nothing is reserved up front.
        let parsed = try parseRequests("*1048576\r\n", feed: .whole)
        #expect(parsed.commands.isEmpty && parsed.leftover == 10)
    }

    @Test(arguments: Feed.allCases, ["$-1", "$abc", "$04", "$+4", "$", "$4 ", "$-0"])
    func invalidBulkLength(feed: Feed, header: String) {
        #expect(throws: ProtocolError.invalidBulkLength) {
            try parseRequests("*1\r\n\(header)\r\nPING\r\n", feed: feed)
        }
    }

    @Test(arguments: Feed.allCases)
    func bulkLengthOverTheLimit(feed: Feed) throws {
        let limits = RequestLimits(maxBulkLength: 5)
        let atLimit = try parseRequests("*1\r\n$5\r\nhello\r\n", feed: feed, limits: limits)
        #expect(atLimit.strings == [["hello"]])
        #expect(throws: ProtocolError.invalidBulkLength) {
            try parseRequests("*1\r\n$6\r\n", feed: feed, limits: limits)
        }
    }

    @Test func defaultBulkLimitIsProtoMaxBulkLen() throws {
        #expect(throws: ProtocolError.invalidBulkLength) { try parseRequests("*1\r\n$536870913\r\n", feed: .whole) }
        let parsed = try parseRequests("*1\r\n$536870912\r\n", feed: .whole)
        #expect(parsed.commands.isEmpty)
    }

    @Test(arguments: Feed.allCases)
    func elementMustStartWithDollar(feed: Feed) {
        #expect(throws: ProtocolError.expectedDollar(got: UInt8(ascii: "X"))) {
            try parseRequests("*1\r\nX3\r\nabc\r\n", feed: feed)
        }
        #expect(throws: ProtocolError.expectedDollar(got: UInt8(ascii: ":"))) {
            try parseRequests("*2\r\n$1\r\na\r\n:1\r\n", feed: feed)
        }
        // An empty header line: Redis reports the '\r' itself.
        #expect(throws: ProtocolError.expectedDollar(got: 13)) {
            try parseRequests("*1\r\n\r\n", feed: feed)
        }
    }

    @Test(arguments: Feed.allCases)
    func countLineWithoutLineEndIsBounded(feed: Feed) throws {
        let longest = "*" + String(repeating: "1", count: 65_535)
        let waiting = try parseRequests(longest, feed: feed)
        #expect(waiting.leftover == 65_536)
        #expect(throws: ProtocolError.tooBigMultibulkCount) { try parseRequests(longest + "1", feed: feed) }
    }

    @Test(arguments: Feed.allCases)
    func bulkLengthLineWithoutLineEndIsBounded(feed: Feed) throws {
        let longest = "*1\r\n$" + String(repeating: "1", count: 65_535)
        let waiting = try parseRequests(longest, feed: feed)
        #expect(waiting.leftover == 65_540)
        #expect(throws: ProtocolError.tooBigBulkCount) { try parseRequests(longest + "1", feed: feed) }
    }

    /// Redis applies the limit only while no '\r' is buffered: a '\r' as the last
    /// byte makes it wait for one more, however long the line.
    @Test func carriageReturnAsLastByteWaitsPastTheLimit() throws {
        let line = "*" + String(repeating: "1", count: 70_000) + "\r"
        let waiting = try parseRequests(line, feed: .whole)
        #expect(waiting.commands.isEmpty && waiting.leftover == 70_002)
        #expect(throws: ProtocolError.invalidMultibulkLength) { try parseRequests(line + "\n", feed: .whole) }
    }

    /// A long header line that does end is judged by its number, as in Redis.
    @Test func longTerminatedLengthIsInvalidNotTooBig() {
        let input = "*1\r\n$" + String(repeating: "1", count: 70_000) + "\r\n"
        #expect(throws: ProtocolError.invalidBulkLength) { try parseRequests(input, feed: .whole) }
    }

    /// Redis finds line ends with strchr, so a NUL hides the '\r' after it:
    /// the request waits until it outgrows the limit.
    @Test(arguments: Feed.allCases)
    func nulInHeaderHidesTheLineEnd(feed: Feed) throws {
        let waiting = try parseRequests(bytes("*1\r\n$\u{0}4\r\nPING\r\n"), feed: feed)
        #expect(waiting.commands.isEmpty)
        let padded = bytes("*1\r\n$\u{0}\r\n") + [UInt8](repeating: 0x0D, count: 65_536)
        #expect(throws: ProtocolError.tooBigBulkCount) { try parseRequests(padded, feed: feed) }
    }

    @Test func messagesAreRedisText() {
        let expected: [(ProtocolError, String)] = [
            (.invalidMultibulkLength, "Protocol error: invalid multibulk length"),
            (.invalidBulkLength, "Protocol error: invalid bulk length"),
            (.tooBigInlineRequest, "Protocol error: too big inline request"),
            (.tooBigMultibulkCount, "Protocol error: too big mbulk count string"),
            (.tooBigBulkCount, "Protocol error: too big bulk count string"),
            (.expectedDollar(got: UInt8(ascii: "X")), "Protocol error: expected '$', got 'X'"),
            (.unbalancedQuotes, "Protocol error: unbalanced quotes in request"),
        ]
        for (error, message) in expected {
            #expect(error.message == message)
        }
    }

    /// redis-server 7.0.15 answers `*1\r\n\r\n` with `got ' '`: its error path turns CR into a space.
    @Test func expectedDollarOnCarriageReturnMatchesRedisOnTheWire() {
        var encoder = ReplyEncoder()
        encoder.error("ERR " + ProtocolError.expectedDollar(got: 13).message)
        #expect(encoder.bytes == bytes("-ERR Protocol error: expected '$', got ' '\r\n"))
    }
}
