import Testing
@testable import RESP

/// Inline commands (`PING\r\n`, `set a "b c"\n`), split as Redis's `sdssplitargs`.
/// Expectations marked "redis" were checked against redis-server 7.0.15.
@Suite struct RequestParserInlineTests {
    @Test(arguments: Feed.allCases)
    func lineEndsWithCRLFOrLF(feed: Feed) throws {
        let parsed = try parseRequests("PING\r\nECHO hi\nSET a b\r\n", feed: feed)
        #expect(parsed.strings == [["PING"], ["ECHO", "hi"], ["SET", "a", "b"]])
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: Feed.allCases)
    func emptyLinesAreEmptyCommands(feed: Feed) throws {
        let parsed = try parseRequests("\r\n\n   \t\r\nPING\r\n", feed: feed)
        #expect(parsed.strings == [[], [], [], ["PING"]])
    }

    @Test(arguments: Feed.allCases)
    func inlineAndMultibulkMix(feed: Feed) throws {
        let parsed = try parseRequests("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nGET k\n", feed: feed)
        #expect(parsed.strings == [["PING"], ["ECHO", "hi"], ["GET", "k"]])
    }

    @Test(arguments: Feed.allCases)
    func incompleteLineWaits(feed: Feed) throws {
        let parsed = try parseRequests("SET a \"b c", feed: feed)
        #expect(parsed.commands.isEmpty && parsed.leftover == 10)
    }

    /// Expected arguments of one line, each as text.
    @Test(arguments: [
        ("  SET   a\tb  ", ["SET", "a", "b"]),
        ("set a \"b c\"", ["set", "a", "b c"]),
        ("ECHO \"\\x41\\x4\\n\\q\"", ["ECHO", "Ax4\nq"]),  // redis
        ("ECHO \"\\t\\r\\b\\a\\\\\\\"\"", ["ECHO", "\t\r\u{8}\u{7}\\\""]),
        ("ECHO \"\\xfF\\x0a\"", ["ECHO", "\u{FF}\n"]),  // checked as bytes below
        ("ECHO 'b\\'c'", ["ECHO", "b'c"]),  // redis
        ("ECHO 'a\\\\b'", ["ECHO", "a\\\\b"]),  // redis: single quotes keep backslashes
        ("ECHO 'a\"b' \"a'b\"", ["ECHO", "a\"b", "a'b"]),
        ("ECHO x\"a b\"", ["ECHO", "xa b"]),  // redis: a quote may open mid-argument
        ("ECHO \"\" ''", ["ECHO", "", ""]),  // redis
        ("ECHO \"a\"\u{0B}", ["ECHO", "a"]),  // redis: \v after a closing quote is a blank
        ("ECHO a\u{0B}b", ["ECHO", "a\u{0B}b"]),  // redis: but \v does not end an unquoted argument
        ("\u{0B}\u{0C}ECHO a", ["ECHO", "a"]),
        ("ECHO a\rb", ["ECHO", "a", "b"]),  // redis: a lone \r inside the line separates
        ("ECHO \"a\"\t\"b\"", ["ECHO", "a", "b"]),
    ])
    func splitsLikeSdssplitargs(line: String, expected: [String]) throws {
        for feed in Feed.allCases {
            let parsed = try parseRequests(line + "\r\n", feed: feed)
            let expectedBytes = expected.map { argument in
                // "\u{FF}" stands for the single byte 0xFF from "\xff".
                argument.unicodeScalars.allSatisfy { $0.value <= 0xFF }
                    ? argument.unicodeScalars.map { UInt8($0.value) }
                    : Array(argument.utf8)
            }
            #expect(parsed.commands == [expectedBytes], "\(feed)")
        }
    }

    @Test(arguments: ["set a \"b c\"x", "set a 'b'c", "set a \"b c", "set a 'b", "set a \"b\\", "\""])
    func unbalancedQuotes(line: String) {
        for feed in Feed.allCases {
            #expect(throws: ProtocolError.unbalancedQuotes, "\(feed)") {
                try parseRequests(line + "\r\n", feed: feed)
            }
        }
    }

    @Test(arguments: Feed.allCases)
    func unterminatedLineIsBounded(feed: Feed) throws {
        let longest = String(repeating: "A", count: 65_536)
        let waiting = try parseRequests(longest, feed: feed)
        #expect(waiting.leftover == 65_536)
        #expect(throws: ProtocolError.tooBigInlineRequest) { try parseRequests(longest + "A", feed: feed) }
    }

    /// Redis bounds only the line still waiting for its newline; a longer line that arrives whole is parsed.
    @Test func longLineArrivingWholeIsParsed() throws {
        let argument = String(repeating: "a", count: 70_000)
        let parsed = try parseRequests("ECHO \(argument)\n", feed: .whole)
        #expect(parsed.strings == [["ECHO", argument]])
    }

    /// redis: strchr stops at NUL, so `PING\0\r\n` never completes.
    @Test(arguments: Feed.allCases)
    func nulHidesTheNewline(feed: Feed) throws {
        let waiting = try parseRequests(bytes("PING\u{0}\r\nPING\r\n"), feed: feed)
        #expect(waiting.commands.isEmpty && waiting.leftover == 13)
        let padded = bytes("PING\u{0}") + [UInt8](repeating: 0x0A, count: 65_532)
        #expect(throws: ProtocolError.tooBigInlineRequest) { try parseRequests(padded, feed: feed) }
    }

    @Test func bytesAboveASCIIPassThrough() throws {
        let input: [UInt8] = bytes("SET k ") + [0xC3, 0xA9, 0xFF] + bytes("\r\n")
        let parsed = try parseRequests(input, feed: .byteByByte)
        #expect(parsed.commands == [[bytes("SET"), bytes("k"), [0xC3, 0xA9, 0xFF]]])
    }
}
