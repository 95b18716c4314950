import Testing
@testable import HTTP

/// What a parsed request tells the server: header lookup, path and keep-alive.
@Suite struct HTTPRequestTests {
    static func parse(_ text: String) throws -> HTTPRequest {
        try #require(try parseOnce(text)).0
    }

    @Test(arguments: [
        // RFC 9112 §9.3: 1.1 persists unless "close" is a Connection option.
        (1, nil, true), (1, "close", false), (1, "Close", false), (1, "CLOSE", false), (1, "keep-alive", true),
        (1, "Upgrade, close", false), (1, "close,Upgrade", false), (1, " ,close, ", false), (1, "closed", true),
        (1, "not-close", true), (1, "", true),
        // 1.0 persists only with "keep-alive".
        (0, nil, false), (0, "keep-alive", true), (0, "Keep-Alive", true), (0, "TE,  keep-alive ", true),
        (0, "close", false), (0, "keep-alive-please", false), (0, "", false),
    ] as [(Int, String?, Bool)])
    func keepAlive(minor: Int, connection: String?, expected: Bool) throws {
        let header = connection.map { "Connection: \($0)\r\n" } ?? ""
        let parsed = try Self.parse("GET / HTTP/1.\(minor)\r\nHost: x\r\n\(header)\r\n")
        #expect(parsed.keepAlive == expected)
    }

    @Test(arguments: ["connection", "CONNECTION", "Connection", "cOnNeCtIoN"])
    func connectionHeaderNameIsCaseInsensitive(name: String) throws {
        #expect(try Self.parse("GET / HTTP/1.1\r\n\(name): close\r\n\r\n").keepAlive == false)
        #expect(try Self.parse("GET / HTTP/1.0\r\n\(name): keep-alive\r\n\r\n").keepAlive == true)
    }

    /// Bug: only the first `Connection` field line is read. RFC 9110 §5.3: field
    /// lines with the same name form one comma-separated list, so a `close` in
    /// a second line still closes (and a `keep-alive` in a second line keeps a
    /// 1.0 connection, as nginx does).
    @Test(arguments: [
        (1, "keep-alive", "close", false),
        (1, "Upgrade", "close", false),
        (0, "TE", "keep-alive", true),
    ] as [(Int, String, String, Bool)])
    func repeatedConnectionLinesAreOneList(minor: Int, first: String, second: String, expected: Bool) throws {
        let parsed = try Self.parse("GET / HTTP/1.\(minor)\r\nConnection: \(first)\r\nHost: x\r\nConnection: \(second)\r\n\r\n")
        #expect(parsed.keepAlive == expected)
    }

    @Test func headerLookupReturnsTheFirstValueOfALowercaseName() throws {
        let parsed = try Self.parse("GET / HTTP/1.1\r\nX-Dup: one\r\nHost: example.com\r\nx-dup: two\r\n\r\n")
        #expect(parsed.header("host") == "example.com")
        #expect(parsed.header("x-dup") == "one")
        #expect(parsed.header("accept") == nil)
    }

    /// Bug: `header(_:)` promises a case-insensitive name but lowercases only
    /// the stored names, so `header("Host")` finds nothing.
    @Test(arguments: ["Host", "HOST", "hOsT"])
    func headerLookupIsCaseInsensitiveInTheNameAsked(name: String) throws {
        let parsed = try Self.parse("GET / HTTP/1.1\r\nhost: example.com\r\n\r\n")
        #expect(parsed.header(name) == "example.com")
    }

    @Test(arguments: [
        ("/", "/"), ("/readyz?x=1", "/readyz"), ("/?a", "/"), ("/a?b?c", "/a"), ("/healthz?", "/healthz"), ("?q", ""),
    ])
    func pathIsTheTargetWithoutItsQuery(target: String, path: String) throws {
        #expect(try Self.parse("GET \(target) HTTP/1.1\r\n\r\n").path == path)
    }

    /// Bug: RFC 9112 §3.2.2: "A server MUST accept the absolute-form in
    /// requests"; its path is the path component, but `path` keeps the scheme
    /// and authority, so `GET http://host/healthz` can never match a route.
    @Test(arguments: [
        ("http://example.com/healthz", "/healthz"), ("http://example.com:5000/readyz?x=1", "/readyz"),
        ("http://example.com", "/"),
    ])
    func absoluteFormTargetHasTheSamePath(target: String, path: String) throws {
        #expect(try Self.parse("GET \(target) HTTP/1.1\r\n\r\n").path == path)
    }

    @Test func equalityComparesEveryPart() throws {
        let base = try Self.parse("POST /a HTTP/1.1\r\nX: 1\r\nContent-Length: 1\r\n\r\nb")
        #expect(base == request("POST", "/a", headers: [("X", "1"), ("Content-Length", "1")], body: "b"))
        #expect(base != request("PUT", "/a", headers: [("X", "1"), ("Content-Length", "1")], body: "b"))
        #expect(base != request("POST", "/b", headers: [("X", "1"), ("Content-Length", "1")], body: "b"))
        #expect(base != request("POST", "/a", minor: 0, headers: [("X", "1"), ("Content-Length", "1")], body: "b"))
        #expect(base != request("POST", "/a", headers: [("x", "1"), ("Content-Length", "1")], body: "b"))
        #expect(base != request("POST", "/a", headers: [("X", "2"), ("Content-Length", "1")], body: "b"))
        #expect(base != request("POST", "/a", headers: [("X", "1")], body: "b"))
        #expect(base != request("POST", "/a", headers: [("X", "1"), ("Content-Length", "1")], body: "c"))
    }
}
