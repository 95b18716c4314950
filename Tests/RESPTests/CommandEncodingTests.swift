import Testing
@testable import RESP

@Suite struct CommandEncodingTests {
    @Test func encodesAMultibulkOfBulks() {
        #expect(encodeCommand("SET", "key", "välue") == bytes("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$6\r\nvälue\r\n"))
        #expect(encodeCommand(["PING"]) == bytes("*1\r\n$4\r\nPING\r\n"))
        #expect(encodeCommand([[UInt8]]()) == bytes("*0\r\n"))
    }

    @Test(arguments: Feed.allCases)
    func requestParserReadsWhatTheClientWrites(feed: Feed) throws {
        let binary: [UInt8] = [0x00, 0x0D, 0x0A, 0x24, 0xFF]
        let stream = encodeCommand([bytes("SET"), binary, []]) + encodeCommand("GET", "k")
        let parsed = try parseRequests(stream, feed: feed)
        #expect(parsed.commands == [[bytes("SET"), binary, []], [bytes("GET"), bytes("k")]])
    }
}
