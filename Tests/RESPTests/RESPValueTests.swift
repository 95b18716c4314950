import Testing
@testable import RESP

@Suite struct RESPValueTests {
    static let everyKind: RESPValue = .array([
        .simpleString("OK"),
        .error("WRONGTYPE Operation against a key holding the wrong kind of value"),
        .integer(-42),
        .bulkString([0x00, 0x0D, 0x0A, 0xFF]),
        .bulkString([]),
        .null,
        .map([(.bulkString("a"), .double(0.1)), (.integer(1), .array([]))]),
        .set([.boolean(true), .boolean(false)]),
        .double(-.infinity),
        .double(.nan),
        .verbatim(format: "mkd", text: bytes("# Title\r\n")),
        .bigNumber("-3492890328409238509324850943850943825024385"),
        .push([.bulkString("message"), .bulkString("channel"), .bulkString("hi")]),
        .array([.array([.integer(1)])]),
    ])

    @Test(arguments: Feed.allCases)
    func resp3EncodingRoundTrips(feed: Feed) throws {
        let parsed = try parseReplies(Self.everyKind.encoded(.resp3), feed: feed)
        #expect(parsed.values == [Self.everyKind])
        #expect(parsed.leftover == 0)
    }

    @Test func resp2EncodingDegradesAsRedisDoes() throws {
        let value: RESPValue = .array([
            .map([(.bulkString("k"), .integer(1))]),
            .set([.integer(2)]),
            .double(1.5),
            .boolean(true),
            .verbatim(format: "txt", text: bytes("v")),
            .bigNumber("12"),
            .null,
            .push([.integer(3)]),
        ])
        let expected = "*8\r\n*2\r\n$1\r\nk\r\n:1\r\n*1\r\n:2\r\n$3\r\n1.5\r\n:1\r\n$1\r\nv\r\n$2\r\n12\r\n$-1\r\n*1\r\n:3\r\n"
        #expect(value.encoded(.resp2) == bytes(expected))
        let parsed = try parseReplies(value.encoded(.resp2), feed: .whole)
        #expect(parsed.values == [.array([
            .array([.bulkString("k"), .integer(1)]), .array([.integer(2)]), .bulkString("1.5"), .integer(1),
            .bulkString("v"), .bulkString("12"), .null, .array([.integer(3)]),
        ])])
    }

    @Test func equalityIsStructural() {
        #expect(RESPValue.double(.nan) == .double(.nan))
        #expect(RESPValue.bulkString("a") != .simpleString("a"))
        #expect(RESPValue.map([(.integer(1), .integer(2))]) != .map([(.integer(2), .integer(1))]))
        #expect(RESPValue.map([(.integer(1), .integer(2))]) != .map([]))
        #expect(RESPValue.verbatim(format: "txt", text: []) != .verbatim(format: "mkd", text: []))
    }

    @Test func descriptionShowsTypesAndEscapes() {
        #expect(RESPValue.integer(3).description == "(integer) 3")
        #expect(RESPValue.null.description == "(nil)")
        #expect(RESPValue.bulkString([0x61, 0x0A, 0x00, 0x22]).description == "\"a\\n\\x00\\\"\"")
        #expect(RESPValue.array([.simpleString("OK"), .error("ERR x")]).description == "[OK, (error) ERR x]")
        #expect(RESPValue.bulkString("é").stringValue == "é")
    }
}
