import Testing
@testable import HTTP

/// Well-formed requests: what the parser makes of them, however they arrive.
@Suite struct HTTPRequestParserTests {
    static let simple = "GET /readyz?probe=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"

    @Test(arguments: Feed.allCases)
    func simpleRequest(feed: Feed) throws {
        let parsed = try parseRequests(Self.simple, feed: feed)
        #expect(parsed.requests == [request("GET", "/readyz?probe=1", headers: [("Host", "example.com"), ("Accept", "*/*")])])
        #expect(parsed.consumed == [Self.simple.utf8.count])
        #expect(parsed.leftover == 0)
        let only = try #require(parsed.requests.first)
        #expect(only.path == "/readyz")
        #expect(only.body.isEmpty)
    }

    @Test func everyStrictPrefixIsIncompleteAndTheWholeIsTheSameRequest() throws {
        let input = Array("POST /submit HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello".utf8)
        for end in 0..<input.count {
            #expect(try parseOnce(Array(input[..<end])) == nil, "prefix of \(end) bytes")
        }
        let (parsed, used) = try #require(try parseOnce(input))
        #expect(parsed == request("POST", "/submit", headers: [("Host", "h"), ("Content-Length", "5")], body: "hello"))
        #expect(used == input.count)
    }

    @Test(arguments: Feed.allCases)
    func bodyIsReadByContentLength(feed: Feed) throws {
        let input = "PUT /x HTTP/1.1\r\nContent-Length: 12\r\n\r\nhello\r\nworld"
        let parsed = try parseRequests(input, feed: feed)
        #expect(parsed.requests.map { String(decoding: $0.body, as: UTF8.self) } == ["hello\r\nworld"])
        #expect(parsed.consumed == [input.utf8.count])
    }

    @Test(arguments: Feed.allCases)
    func contentLengthZeroMeansNoBody(feed: Feed) throws {
        let parsed = try parseRequests("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", feed: feed)
        #expect(parsed.requests.count == 1)
        #expect(parsed.requests.first?.body == [])
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: Feed.allCases)
    func bodyNotYetCompleteIsLeftOver(feed: Feed) throws {
        let parsed = try parseRequests("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", feed: feed)
        #expect(parsed.requests.isEmpty)
        #expect(parsed.leftover == 42)
    }

    @Test func bytesBeyondTheBodyAreNotConsumed() throws {
        let (parsed, used) = try #require(try parseOnce("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET"))
        #expect(parsed.body == Array("abc".utf8))
        #expect(used == 41)
    }

    // MARK: Pipelining

    static let pipeline = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /form?x=1 HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody",
        "HEAD /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET /last HTTP/1.1\nHost: lf\n\n",
    ]

    @Test(arguments: Feed.allCases)
    func pipelinedRequestsComeOutInOrderWithTheirOwnLengths(feed: Feed) throws {
        let parsed = try parseRequests(Self.pipeline.joined(), feed: feed)
        #expect(parsed.requests == [
            request("GET", "/", headers: [("Host", "a")]),
            request("POST", "/form?x=1", headers: [("Content-Length", "4")], body: "body"),
            request("HEAD", "/healthz", minor: 0, headers: [("Connection", "keep-alive")]),
            request("GET", "/last", headers: [("Host", "lf")]),
        ])
        #expect(parsed.consumed == Self.pipeline.map(\.utf8.count))
        #expect(parsed.leftover == 0)
    }

    @Test func consumedCountsChainThroughOneBuffer() throws {
        let input = Array(Self.pipeline.joined().utf8)
        var offset = 0
        var ends: [Int] = []
        while offset < input.count {
            let (_, used) = try #require(try parseOnce(Array(input[offset...])))
            #expect(used > 0)
            offset += used
            ends.append(offset)
        }
        var expected: [Int] = []
        for part in Self.pipeline { expected.append((expected.last ?? 0) + part.utf8.count) }
        #expect(ends == expected)
        #expect(offset == input.count)
    }

    @Test(arguments: Feed.allCases)
    func anIncompleteRequestAfterCompleteOnesWaits(feed: Feed) throws {
        let parsed = try parseRequests("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nHos", feed: feed)
        #expect(parsed.requests.map(\.target) == ["/a"])
        #expect(parsed.leftover == 20)
    }

    // MARK: Line endings and empty lines

    @Test(arguments: Feed.allCases)
    func bareLineFeedsEndLines(feed: Feed) throws {
        let parsed = try parseRequests("GET /lf HTTP/1.1\nHost: x\nContent-Length: 2\n\nok", feed: feed)
        #expect(parsed.requests == [request("GET", "/lf", headers: [("Host", "x"), ("Content-Length", "2")], body: "ok")])
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: Feed.allCases)
    func mixedLineEndings(feed: Feed) throws {
        let parsed = try parseRequests("GET / HTTP/1.1\nA: 1\r\nB: 2\n\r\n", feed: feed)
        #expect(parsed.requests == [request(headers: [("A", "1"), ("B", "2")])])
    }

    @Test(arguments: Feed.allCases)
    func leadingEmptyLinesAreSkippedAndCountAsConsumed(feed: Feed) throws {
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
        let input = "\r\n\r\nGET / HTTP/1.1\r\n\r\n"
        let parsed = try parseRequests(input, feed: feed)
        #expect(parsed.requests == [request()])
        #expect(parsed.consumed == [input.utf8.count])
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: Feed.allCases)
    func emptyLineBetweenPipelinedRequestsIsSkipped(feed: Feed) throws {
        // Some clients send a stray CRLF after a POST body.
        let parsed = try parseRequests("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx\r\nGET /next HTTP/1.1\r\n\r\n", feed: feed)
        #expect(parsed.requests.map(\.target) == ["/", "/next"])
        #expect(parsed.consumed == [39, 24])
    }

    /// Bug: bare LF ends every other line, but a bare-LF empty line before the
    /// request line is refused as a malformed request line (nginx skips CR and
    /// LF alike before the request line).
    @Test(arguments: Feed.allCases)
    func leadingBareLineFeedIsSkippedLikeCRLF(feed: Feed) throws {
        let input = "\nGET / HTTP/1.1\n\n"
        let parsed = try parseRequests(input, feed: feed)
        #expect(parsed.requests == [request()])
        #expect(parsed.consumed == [input.utf8.count])
    }

    /// Bug: leading empty lines are skipped without bound and never consumed,
    /// so a peer sending only CRLFs gets nil forever while its bytes pile up
    /// (the server then stalls at its buffer limit until the header timeout).
    /// Everything else a peer controls is bounded; this must be refused too.
    @Test func endlessEmptyLinesAreRefused() throws {
        let flood = Array(repeating: Array("\r\n".utf8), count: 32 * 1024).flatMap { $0 }
        let error = try #require(throws: HTTPError.self) { _ = try parseOnce(flood) }
        #expect([HTTPStatus.badRequest, .uriTooLong].contains(error.status))
    }

    // MARK: Request line

    @Test(arguments: ["GET", "HEAD", "POST", "DELETE", "OPTIONS", "M-SEARCH", "X_CUSTOM!~"])
    func methodsAreTokensKeptAsSent(method: String) throws {
        let (parsed, _) = try #require(try parseOnce("\(method) / HTTP/1.1\r\n\r\n"))
        #expect(parsed.method == method)
    }

    @Test func methodCaseIsKept() throws {
        let (parsed, _) = try #require(try parseOnce("get / HTTP/1.1\r\n\r\n"))
        #expect(parsed.method == "get")
    }

    @Test(arguments: [
        ("/", "/"), ("/readyz?x=1", "/readyz"), ("/a/b?c=d?e", "/a/b"), ("/?", "/"), ("/healthz?", "/healthz"),
        ("*", "*"), ("/%7Euser", "/%7Euser"), ("/a#frag", "/a#frag"),
    ])
    func targetIsKeptAndPathDropsTheQuery(target: String, path: String) throws {
        let (parsed, _) = try #require(try parseOnce("OPTIONS \(target) HTTP/1.1\r\n\r\n"))
        #expect(parsed.target == target)
        #expect(parsed.path == path)
    }

    @Test(arguments: [("HTTP/1.1", 1), ("HTTP/1.0", 0)])
    func versions(version: String, minor: Int) throws {
        let (parsed, _) = try #require(try parseOnce("GET / \(version)\r\n\r\n"))
        #expect(parsed.minorVersion == minor)
    }

    // MARK: Header fields

    @Test(arguments: Feed.allCases)
    func headerValuesAreTrimmedOfSpacesAndTabs(feed: Feed) throws {
        let input = "GET / HTTP/1.1\r\nA:plain\r\nB:   spaced   \r\nC:\t\ttabbed\t \r\nD: inner  spaces\tkept \r\nE:\r\nF:   \r\n\r\n"
        let parsed = try parseRequests(input, feed: feed)
        let headers = try #require(parsed.requests.first).headers
        #expect(headers.map(\.name) == ["A", "B", "C", "D", "E", "F"])
        #expect(headers.map(\.value) == ["plain", "spaced", "tabbed", "inner  spaces\tkept", "", ""])
    }

    @Test func headerValueKeepsColonsAfterTheFirst() throws {
        let (parsed, _) = try #require(try parseOnce("GET / HTTP/1.1\r\nHost: [::1]:5000\r\nX-Time: 12:30:00\r\n\r\n"))
        #expect(parsed.headers.map(\.value) == ["[::1]:5000", "12:30:00"])
    }

    @Test func headerNamesKeepTheirCaseAndOrderAndDuplicates() throws {
        let (parsed, _) = try #require(try parseOnce("GET / HTTP/1.1\r\nX-a: 1\r\nx-A: 2\r\nACCEPT: 3\r\n\r\n"))
        #expect(parsed.headers.map(\.name) == ["X-a", "x-A", "ACCEPT"])
        #expect(parsed.headers.map(\.value) == ["1", "2", "3"])
    }

    @Test func obsTextInValuesIsKept() throws {
        // RFC 9110 §5.5: field values may carry obs-text (bytes 0x80–0xFF).
        let (parsed, _) = try #require(try parseOnce("GET / HTTP/1.1\r\nX-Name: Jürgen\r\n\r\n"))
        #expect(parsed.headers.first?.value == "Jürgen")
    }

    @Test(arguments: Feed.allCases)
    func identicalDuplicateContentLengthsAreAccepted(feed: Feed) throws {
        let parsed = try parseRequests("POST / HTTP/1.1\r\nContent-Length: 3\r\ncontent-length:  3 \r\n\r\nabc", feed: feed)
        #expect(parsed.requests.first?.body == Array("abc".utf8))
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: ["Content-Length", "content-length", "CONTENT-LENGTH", "CoNtEnT-LeNgTh"])
    func contentLengthNameIsCaseInsensitive(name: String) throws {
        let (parsed, used) = try #require(try parseOnce("POST / HTTP/1.1\r\n\(name): 2\r\n\r\nhi!"))
        #expect(parsed.body == Array("hi".utf8))
        #expect(used == 26 + name.utf8.count)
    }

    @Test func leadingZerosInContentLength() throws {
        let (parsed, _) = try #require(try parseOnce("POST / HTTP/1.1\r\nContent-Length: 003\r\n\r\nabc"))
        #expect(parsed.body == Array("abc".utf8))
    }
}
