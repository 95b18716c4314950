import Testing
@testable import RESP

@Suite struct ReplyParserTests {
    /// Replies redis-server 7.0.15 sent after `HELLO 3` (`DEBUG PROTOCOL …`, `ZSCORE`), and what they mean.
    static let redisReplies: [(String, RESPValue)] = [
        (",1.1000000000000001\r\n", .double(1.1)),
        (",inf\r\n", .double(.infinity)),
        ("(1234567999999999999999999999999999999\r\n", .bigNumber("1234567999999999999999999999999999999")),
        ("=29\r\ntxt:This is a verbatim\nstring\r\n", .verbatim(format: "txt", text: bytes("This is a verbatim\nstring"))),
        ("#t\r\n", .boolean(true)),
        ("_\r\n", .null),
        ("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
         .map([(.integer(0), .boolean(false)), (.integer(1), .boolean(true)), (.integer(2), .boolean(false))])),
        ("~3\r\n:0\r\n:1\r\n:2\r\n", .set([.integer(0), .integer(1), .integer(2)])),
        ("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
         .bulkString("Some real reply following the attribute")),
        (">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n", .push([.bulkString("server-cpu-usage"), .integer(42)])),
        ("+OK\r\n", .simpleString("OK")),
        ("-ERR unknown command 'a', with args beginning with: \r\n",
         .error("ERR unknown command 'a', with args beginning with: ")),
        (":-9223372036854775808\r\n", .integer(.min)),
        ("$0\r\n\r\n", .bulkString([])),
        ("$-1\r\n", .null),
        ("*-1\r\n", .null),
        ("*0\r\n", .array([])),
        ("!21\r\nSYNTAX invalid syntax\r\n", .error("SYNTAX invalid syntax")),
        ("*2\r\n*1\r\n$1\r\na\r\n*0\r\n", .array([.array([.bulkString("a")]), .array([])])),
    ]

    @Test(arguments: Feed.allCases)
    func parsesEachReplyAlone(feed: Feed) throws {
        for (text, expected) in Self.redisReplies {
            let parsed = try parseReplies(bytes(text), feed: feed)
            #expect(parsed.values == [expected], "\(text.debugDescription)")
            #expect(parsed.leftover == 0)
        }
    }

    @Test(arguments: Feed.allCases)
    func parsesRepliesGluedTogether(feed: Feed) throws {
        let stream = Self.redisReplies.map(\.0).joined()
        let parsed = try parseReplies(bytes(stream + stream), feed: feed)
        let values = Self.redisReplies.map(\.1)
        #expect(parsed.values == values + values)
        #expect(parsed.leftover == 0)
    }

    @Test func reportsBytesConsumed() throws {
        var parser = ReplyParser()
        let input = bytes("*1\r\n:1\r\n+OK")
        let parsed = try input.withUnsafeBytes { try parser.parse($0) }
        #expect(parsed?.0 == .array([.integer(1)]))
        #expect(parsed?.1 == 8)
        let incomplete = try bytes("+OK").withUnsafeBytes { try parser.parse($0) }
        #expect(incomplete == nil)
    }

    @Test(arguments: Feed.allCases)
    func binaryBulkSurvives(feed: Feed) throws {
        let body: [UInt8] = [0x0D, 0x0A, 0x00, 0x2A, 0xFF, 0x0D]
        let parsed = try parseReplies(bytes("$6\r\n") + body + bytes("\r\n"), feed: feed)
        #expect(parsed.values == [.bulkString(body)])
    }

    @Test(arguments: [
        ("?\r\n", ReplyParseError.unknownType(UInt8(ascii: "?"))),
        ("+OK\rX", .missingLineFeed),
        ("$2\r\nabc\r\n", .missingBulkTerminator),
        ("$x\r\n", .invalidLength),
        ("$-2\r\n", .invalidLength),
        ("*-2\r\n", .invalidLength),
        ("%-1\r\n", .invalidLength),
        (":12a\r\n", .invalidValue(type: UInt8(ascii: ":"))),
        (",1.5x\r\n", .invalidValue(type: UInt8(ascii: ","))),
        ("#x\r\n", .invalidValue(type: UInt8(ascii: "#"))),
        ("_x\r\n", .invalidValue(type: UInt8(ascii: "_"))),
        ("=3\r\ntxt\r\n", .invalidValue(type: UInt8(ascii: "="))),
        ("*2\r\n:1\r\n?\r\n", .unknownType(UInt8(ascii: "?"))),
    ])
    func rejectsMalformedReplies(text: String, error: ReplyParseError) {
        for feed in Feed.allCases {
            #expect(throws: error, "\(feed)") { try parseReplies(bytes(text), feed: feed) }
        }
    }

    @Test func boundsDepthElementsAndBulkLength() throws {
        let shallow = ReplyParser(maxDepth: 2, maxBulkLength: 3, maxElements: 2)
        let atBounds = try parseReplies(bytes("*2\r\n*1\r\n$3\r\nabc\r\n:1\r\n"), feed: .byteByByte, parser: shallow)
        #expect(atBounds.values == [.array([.array([.bulkString("abc")]), .integer(1)])])
        #expect(throws: ReplyParseError.tooDeep) {
            try parseReplies(bytes("*1\r\n*1\r\n*1\r\n:1\r\n"), feed: .whole, parser: shallow)
        }
        #expect(throws: ReplyParseError.invalidLength) {
            try parseReplies(bytes("*3\r\n"), feed: .whole, parser: shallow)
        }
        #expect(throws: ReplyParseError.invalidLength) {
            try parseReplies(bytes("$4\r\n"), feed: .whole, parser: shallow)
        }
    }

    @Test func deepNestingWithinTheDefaultLimitParses() throws {
        let depth = 64
        let text = String(repeating: "*1\r\n", count: depth) + ":7\r\n"
        var expected = RESPValue.integer(7)
        for _ in 0..<depth { expected = .array([expected]) }
        #expect(try parseReplies(bytes(text), feed: .sevens).values == [expected])
        #expect(throws: ReplyParseError.tooDeep) {
            try parseReplies(bytes("*1\r\n" + text), feed: .whole)
        }
    }

    @Test func largeArrayArrivingInPiecesParses() throws {
        let count = 50_000
        var encoder = ReplyEncoder()
        encoder.arrayHeader(count)
        for index in 0..<count { encoder.integer(Int64(index)) }
        let parsed = try parseReplies(encoder.bytes, feed: .byteByByte)
        #expect(parsed.values == [.array((0..<count).map { .integer(Int64($0)) })])
    }
}
