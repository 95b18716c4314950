import Testing
@testable import RESP

/// Multibulk requests (`*N\r\n$len\r\n…`), the form every client library sends.
@Suite struct RequestParserMultibulkTests {
    @Test(arguments: Feed.allCases)
    func parsesOneCommand(feed: Feed) throws {
        let parsed = try parseRequests("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", feed: feed)
        #expect(parsed.strings == [["SET", "key", "value"]])
        #expect(parsed.leftover == 0)
    }

    @Test func reportsBytesConsumedAndLeavesTheRest() throws {
        let input = bytes("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET")
        var parser = RequestParser()
        var arguments = Arguments(["stale", "values"])
        let consumed = try input.withUnsafeBytes { try parser.parse($0, into: &arguments) }
        #expect(consumed == 14)
        #expect(arguments == Arguments(["PING"]))
    }

    @Test(arguments: Feed.allCases)
    func parsesSeveralGluedCommands(feed: Feed) throws {
        let input = "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$4\r\nINCR\r\n$0\r\n\r\n$2\r\nxy\r\n"
        let parsed = try parseRequests(input + input, feed: feed)
        let once = [["PING"], ["GET", "k"], ["INCR", "", "xy"]]
        #expect(parsed.strings == once + once)
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: Feed.allCases)
    func bulksAreBinarySafe(feed: Feed) throws {
        let value: [UInt8] = [0x0D, 0x0A, 0x00, 0x24, 0x2A, 0xFF, 0x0D, 0x0A, 0x0A]
        let input = bytes("*2\r\n$3\r\nSET\r\n$9\r\n") + value + bytes("\r\n")
        let parsed = try parseRequests(input, feed: feed)
        #expect(parsed.commands == [[bytes("SET"), value]])
    }

    @Test(arguments: Feed.allCases, ["*0\r\n", "*-1\r\n", "*-5\r\n"])
    func nonPositiveCountIsAnEmptyCommand(feed: Feed, header: String) throws {
        let parsed = try parseRequests(header + "*1\r\n$4\r\nPING\r\n", feed: feed)
        #expect(parsed.strings == [[], ["PING"]])
    }

    @Test(arguments: Feed.allCases)
    func incompleteCommandConsumesNothing(feed: Feed) throws {
        let parsed = try parseRequests("*2\r\n$3\r\nGET\r\n$5\r\nab", feed: feed)
        #expect(parsed.commands.isEmpty)
        #expect(parsed.leftover == 19)
    }

    /// Redis skips the two bytes after each '\r' without looking at the second:
    /// `*1\rx$4\ryPINGzz` is PING to redis-server 7.0.15.
    @Test(arguments: Feed.allCases)
    func byteAfterCarriageReturnIsNotChecked(feed: Feed) throws {
        let parsed = try parseRequests("*1\rx$4\ryPINGzz*1\r\n$4\r\nPING\r\n", feed: feed)
        #expect(parsed.strings == [["PING"], ["PING"]])
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: Feed.allCases)
    func largeBulkArrivesInPieces(feed: Feed) throws {
        let value = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let input = bytes("*2\r\n$3\r\nSET\r\n$200000\r\n") + value + bytes("\r\n")
        let parsed = try parseRequests(input, feed: feed == .byteByByte ? .sevens : feed)
        #expect(parsed.commands == [[bytes("SET"), value]])
    }

    @Test func manySmallElementsFedByteByByte() throws {
        let count = 20_000
        var input = bytes("*\(count)\r\n")
        for index in 0..<count { input += encodeCommand(["\(index)"]).dropFirst(4) }
        let parsed = try parseRequests(input, feed: .byteByByte)
        #expect(parsed.commands.count == 1)
        #expect(parsed.commands.first?.count == count)
        #expect(parsed.commands.first?.last == bytes("\(count - 1)"))
    }

    @Test func resumesAcrossCallsWithTheSameParser() throws {
        var parser = RequestParser()
        var arguments = Arguments()
        let full = bytes("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n")
        for end in 1..<full.count {
            let result = try Array(full[0..<end]).withUnsafeBytes { try parser.parse($0, into: &arguments) }
            #expect(result == nil)
        }
        let consumed = try full.withUnsafeBytes { try parser.parse($0, into: &arguments) }
        #expect(consumed == full.count)
        #expect(arguments == Arguments(["ECHO", "hello"]))
    }

    @Test func resetForgetsAnIncompleteCommand() throws {
        var parser = RequestParser()
        var arguments = Arguments()
        let partial = try bytes("*2\r\n$4\r\nECHO\r\n").withUnsafeBytes { try parser.parse($0, into: &arguments) }
        #expect(partial == nil)
        parser.reset()
        let other = bytes("*1\r\n$4\r\nPING\r\n")
        let consumed = try other.withUnsafeBytes { try parser.parse($0, into: &arguments) }
        #expect(consumed == other.count)
        #expect(arguments == Arguments(["PING"]))
    }

    @Test func shorterInputThanBeforeStartsOver() throws {
        var parser = RequestParser()
        var arguments = Arguments()
        let partial = try bytes("*2\r\n$4\r\nECHO\r\n$3\r\nab").withUnsafeBytes { try parser.parse($0, into: &arguments) }
        #expect(partial == nil)
        let other = bytes("PING\r\n")
        let consumed = try other.withUnsafeBytes { try parser.parse($0, into: &arguments) }
        #expect(consumed == 6)
        #expect(arguments == Arguments(["PING"]))
    }

    @Test func parserIsReusableAfterAnError() throws {
        var parser = RequestParser()
        var arguments = Arguments()
        #expect(throws: ProtocolError.invalidBulkLength) {
            try bytes("*1\r\n$x\r\n").withUnsafeBytes { try parser.parse($0, into: &arguments) }
        }
        #expect(arguments.isEmpty)
        let consumed = try bytes("*1\r\n$4\r\nPING\r\n").withUnsafeBytes { try parser.parse($0, into: &arguments) }
        #expect(consumed == 14)
        #expect(arguments == Arguments(["PING"]))
    }

    @Test func emptyInputIsIncomplete() throws {
        var parser = RequestParser()
        var arguments = Arguments()
        let result = try [UInt8]().withUnsafeBytes { try parser.parse($0, into: &arguments) }
        #expect(result == nil)
    }
}
