import Testing
@testable import RESP

/// Reply bytes in both protocols; RESP3 and RESP2 forms were checked against
/// redis-server 7.0.15 (`DEBUG PROTOCOL …`, `ZSCORE`, `HELLO`).
@Suite struct ReplyEncoderTests {
    /// The bytes `write` appends, as text, for each protocol.
    private func encoded(_ write: (inout ReplyEncoder) -> Void) -> (resp2: String, resp3: String) {
        var resp2 = ReplyEncoder(protocolVersion: .resp2)
        var resp3 = ReplyEncoder(protocolVersion: .resp3)
        write(&resp2)
        write(&resp3)
        return (String(decoding: resp2.bytes, as: UTF8.self), String(decoding: resp3.bytes, as: UTF8.self))
    }

    @Test func simpleString() {
        let out = encoded { $0.simpleString("OK") }
        #expect(out.resp2 == "+OK\r\n" && out.resp3 == "+OK\r\n")
    }

    @Test func errorKeepsItsCodeAndLosesLineBreaks() {
        let out = encoded { $0.error("WRONGTYPE Operation against a key\r\nholding\nthe wrong kind of value") }
        let expected = "-WRONGTYPE Operation against a key  holding the wrong kind of value\r\n"
        #expect(out.resp2 == expected && out.resp3 == expected)
    }

    @Test(arguments: [
        (Int64(0), ":0\r\n"), (1, ":1\r\n"), (-1, ":-1\r\n"), (10, ":10\r\n"), (9, ":9\r\n"),
        (1_234_567_890, ":1234567890\r\n"),
        (Int64.max, ":9223372036854775807\r\n"), (Int64.min, ":-9223372036854775808\r\n"),
    ])
    func integer(value: Int64, expected: String) {
        let out = encoded { $0.integer(value) }
        #expect(out.resp2 == expected && out.resp3 == expected)
    }

    @Test func bulkFromEachSource() {
        let binary: [UInt8] = [0x00, 0x0D, 0x0A, 0xFF]
        var encoder = ReplyEncoder()
        encoder.bulk(binary)
        encoder.bulk(binary[1...])
        binary.withUnsafeBytes { encoder.bulk($0) }
        encoder.bulk("héllo")
        encoder.bulk("")
        let expected = bytes("$4\r\n") + binary + bytes("\r\n$3\r\n") + binary[1...] + bytes("\r\n$4\r\n") + binary
            + bytes("\r\n$6\r\nhéllo\r\n$0\r\n\r\n")
        #expect(encoder.bytes == expected)
    }

    @Test func nulls() {
        #expect(encoded { $0.null() } == ("$-1\r\n", "_\r\n"))
        #expect(encoded { $0.nullArray() } == ("*-1\r\n", "_\r\n"))
    }

    @Test func aggregateHeaders() {
        #expect(encoded { $0.arrayHeader(3) } == ("*3\r\n", "*3\r\n"))
        #expect(encoded { $0.arrayHeader(0) } == ("*0\r\n", "*0\r\n"))
        #expect(encoded { $0.mapHeader(3) } == ("*6\r\n", "%3\r\n"))
        #expect(encoded { $0.setHeader(3) } == ("*3\r\n", "~3\r\n"))
        #expect(encoded { $0.pushHeader(2) } == ("*2\r\n", ">2\r\n"))
    }

    @Test func doubles() {
        #expect(encoded { $0.double(1.1) } == ("$18\r\n1.1000000000000001\r\n", ",1.1000000000000001\r\n"))
        #expect(encoded { $0.double(3) } == ("$1\r\n3\r\n", ",3\r\n"))
        #expect(encoded { $0.double(.infinity) } == ("$3\r\ninf\r\n", ",inf\r\n"))
        #expect(encoded { $0.double(-.infinity) } == ("$4\r\n-inf\r\n", ",-inf\r\n"))
        #expect(encoded { $0.double(.nan) } == ("$3\r\nnan\r\n", ",nan\r\n"))
    }

    @Test func booleans() {
        #expect(encoded { $0.boolean(true) } == (":1\r\n", "#t\r\n"))
        #expect(encoded { $0.boolean(false) } == (":0\r\n", "#f\r\n"))
    }

    @Test func verbatim() {
        let out = encoded { $0.verbatim("This is a verbatim\nstring") }
        #expect(out.resp2 == "$25\r\nThis is a verbatim\nstring\r\n")
        #expect(out.resp3 == "=29\r\ntxt:This is a verbatim\nstring\r\n")
        #expect(encoded { $0.verbatim("# Server", format: "mkd") }.resp3 == "=12\r\nmkd:# Server\r\n")
    }

    @Test func bigNumber() {
        let digits = "1234567999999999999999999999999999999"
        #expect(encoded { $0.bigNumber(digits) } == ("$37\r\n\(digits)\r\n", "(\(digits)\r\n"))
    }

    @Test func rawBytesAndRemoveAll() {
        var encoder = ReplyEncoder()
        encoder.append(raw: bytes("+PONG\r\n"))
        encoder.integer(7)
        #expect(encoder.bytes == bytes("+PONG\r\n:7\r\n"))
        encoder.removeAll()
        #expect(encoder.bytes.isEmpty)
        encoder.simpleString("OK")
        #expect(encoder.bytes == bytes("+OK\r\n"))
    }

    /// The RESP3 map `DEBUG PROTOCOL map` returns, byte for byte.
    @Test func nestedReplyMatchesRedis() {
        var encoder = ReplyEncoder(protocolVersion: .resp3)
        encoder.mapHeader(3)
        for key in 0..<3 {
            encoder.integer(Int64(key))
            encoder.boolean(key == 1)
        }
        #expect(encoder.bytes == bytes("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"))
    }
}
