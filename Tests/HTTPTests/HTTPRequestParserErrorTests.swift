import Testing
@testable import HTTP

/// Malformed and unsupported requests: refused with 400, 501 or 505.
@Suite struct HTTPRequestParserErrorTests {
    @Test(arguments: Feed.allCases, [
        "GET /\r\n", "GET\r\n", "/ HTTP/1.1\r\n", "GET  / HTTP/1.1\r\n", "GET / HTTP/1.1 \r\n", " GET / HTTP/1.1\r\n",
        "GET / HTTP/1.1 extra\r\n", "GET\t/\tHTTP/1.1\r\n", "GET /a b HTTP/1.1\r\n", "\r\n\r\n \r\n",
    ])
    func malformedRequestLine(feed: Feed, line: String) throws {
        let refused = try #require(refusal(line + "Host: x\r\n\r\n", feed: feed))
        #expect(refused.error == HTTPError(.badRequest, "malformed request line"))
    }

    @Test(arguments: ["G(T", "GE\"T", "GET,", "GÉT", "G\u{1}T", "[GET]"])
    func methodOutsideTokenCharacters(method: String) throws {
        #expect(throws: HTTPError(.badRequest, "malformed method")) { _ = try parseOnce("\(method) / HTTP/1.1\r\n\r\n") }
    }

    @Test(arguments: ["/a\u{7F}", "/é", "/a\u{1}b", "/a\rb"])
    func targetWithControlOrNonASCIIBytes(target: String) throws {
        #expect(throws: HTTPError(.badRequest, "malformed request target")) { _ = try parseOnce("GET \(target) HTTP/1.1\r\n\r\n") }
    }

    @Test(arguments: ["http/1.1", "HTTP/1", "HTTP/1.10", "HTTP/11", "HTTP/1.1\r", "HTTP/10.0", "HTTPS/1.1"])
    func malformedVersion(version: String) throws {
        #expect(throws: HTTPError(.badRequest, "malformed HTTP version")) { _ = try parseOnce("GET / \(version)\r\n\r\n") }
    }

    @Test(arguments: Feed.allCases, ["HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"])
    func otherMajorVersionsAreRefusedWith505AtTheRequestLine(feed: Feed, version: String) throws {
        let line = "GET / \(version)\r\n"
        let refused = try #require(refusal(line + "Host: x\r\n\r\n", feed: feed))
        #expect(refused.error == HTTPError(.versionNotSupported, "only HTTP/1.0 and HTTP/1.1"))
        if feed == .byteByByte { #expect(refused.bytesFed == line.utf8.count) }
    }

    /// Bug: anything of the shape `HTTP/…` with eight characters gets 505, even
    /// when it is no version at all. RFC 9112 §2.3: HTTP-version is
    /// `HTTP/DIGIT.DIGIT`; anything else is a malformed request line (400, as
    /// nginx answers).
    @Test(arguments: ["HTTP/1.x", "HTTP/x.y", "HTTP/1,1", "HTTP/1.."])
    func versionThatIsNotDigitDotDigitIsMalformedNotUnsupported(version: String) throws {
        let error = try #require(throws: HTTPError.self) { _ = try parseOnce("GET / \(version)\r\n\r\n") }
        #expect(error.status == .badRequest)
    }

    /// Bug: RFC 9110 §6.2: a recipient SHOULD process a higher minor version of
    /// a major version it implements as the highest minor it supports (nginx
    /// answers `HTTP/1.2` as 1.1); the parser answers 505.
    @Test func higherMinorVersionIsTreatedAsHTTP11() throws {
        let (parsed, _) = try #require(try parseOnce("GET / HTTP/1.2\r\nHost: x\r\n\r\n"))
        #expect(parsed.minorVersion >= 1)
        #expect(parsed.keepAlive)
    }

    // MARK: Header lines

    @Test(arguments: Feed.allCases, [
        "No colon here", "Host : x", "Host\t: x", " Folded: x", "\tFolded: x", "X\u{1}: y", "Bad(name): x",
        "X-Ünicode: y", "\"quoted\": y",
    ])
    func malformedHeaderName(feed: Feed, line: String) throws {
        let refused = try #require(refusal("GET / HTTP/1.1\r\n\(line)\r\n\r\n", feed: feed))
        #expect(refused.error.status == .badRequest)
        #expect(["malformed header line", "malformed header name"].contains(refused.error.reason))
    }

    @Test func emptyHeaderNameIsMalformed() throws {
        #expect(throws: HTTPError(.badRequest, "malformed header line")) { _ = try parseOnce("GET / HTTP/1.1\r\n: value\r\n\r\n") }
    }

    @Test func obsoleteLineFoldingIsRefused() throws {
        // RFC 9112 §5.2: a server MUST reject obs-fold with 400 or replace it with SP.
        let error = try #require(throws: HTTPError.self) {
            _ = try parseOnce("GET / HTTP/1.1\r\nX-Long: first\r\n  second\r\n\r\n")
        }
        #expect(error.status == .badRequest)
    }

    @Test(arguments: ["a\u{0}b", "a\u{7F}b", "a\rb", "\u{1B}[31mred", "a\u{8}b", "a\u{1F}"])
    func controlCharacterInHeaderValue(value: String) throws {
        #expect(throws: HTTPError(.badRequest, "control character in header value")) {
            _ = try parseOnce("GET / HTTP/1.1\r\nX: \(value)\r\n\r\n")
        }
    }

    @Test(arguments: Feed.allCases)
    func badHeaderIsRefusedWithoutWaitingForTheRestOfTheHead(feed: Feed) throws {
        let upToBadLine = "GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n"
        let refused = try #require(refusal(upToBadLine + "More: z\r\n\r\n", feed: feed))
        #expect(refused.error.status == .badRequest)
        if feed == .byteByByte { #expect(refused.bytesFed == upToBadLine.utf8.count) }
    }

    // MARK: Content-Length and Transfer-Encoding

    @Test(arguments: Feed.allCases, ["", "abc", "-1", "+1", "1.0", "0x10", "1 2", "1,1", "1, 1", "12345678901234567890", "٣"])
    func invalidContentLength(feed: Feed, value: String) throws {
        let refused = try #require(refusal("POST / HTTP/1.1\r\nContent-Length: \(value)\r\n\r\n0123456789", feed: feed))
        #expect(refused.error == HTTPError(.badRequest, "invalid Content-Length"))
    }

    @Test(arguments: Feed.allCases, [("3", "4"), ("3", "03"), ("3", ""), ("0", "5")])
    func differingDuplicateContentLengthsAreRefused(feed: Feed, lengths: (String, String)) throws {
        let (first, second) = lengths
        // RFC 9112 §6.3: differing lengths cannot be reconciled (request smuggling).
        let input = "POST / HTTP/1.1\r\nContent-Length: \(first)\r\nHost: x\r\ncontent-length: \(second)\r\n\r\nabcde"
        let refused = try #require(refusal(input, feed: feed))
        #expect(refused.error == HTTPError(.badRequest, "invalid Content-Length"))
    }

    @Test(arguments: Feed.allCases, ["chunked", "gzip, chunked", "identity", "CHUNKED"])
    func transferEncodingIsNotImplemented(feed: Feed, coding: String) throws {
        let head = "POST / HTTP/1.1\r\nTransfer-Encoding: \(coding)\r\n\r\n"
        let refused = try #require(refusal(head + "5\r\nhello\r\n0\r\n\r\n", feed: feed))
        #expect(refused.error == HTTPError(.notImplemented, "Transfer-Encoding is not supported; send Content-Length"))
        if feed == .byteByByte { #expect(refused.bytesFed == head.utf8.count) }
    }

    @Test func transferEncodingWithContentLengthIsRefused() throws {
        // The classic smuggling pair: never fall back to Content-Length.
        let error = try #require(throws: HTTPError.self) {
            _ = try parseOnce("POST / HTTP/1.1\r\nContent-Length: 5\r\ntransfer-encoding: chunked\r\n\r\nhello")
        }
        #expect(error.status == .notImplemented)
    }

    @Test func anErrorInALaterPipelinedRequestLeavesTheFirstIntact() throws {
        let first = "GET /ok HTTP/1.1\r\n\r\n"
        let input = Array((first + "GET /bad HTTP/2.0\r\n\r\n").utf8)
        let (parsed, used) = try #require(try parseOnce(input))
        #expect(parsed.target == "/ok")
        #expect(used == first.utf8.count)
        #expect(throws: HTTPError(.versionNotSupported, "only HTTP/1.0 and HTTP/1.1")) { _ = try parseOnce(Array(input[used...])) }
    }
}
