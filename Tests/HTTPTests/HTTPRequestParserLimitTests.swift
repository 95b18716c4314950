import Testing
@testable import HTTP

/// The bounds on what a peer may send, each refused with its status as soon
/// as the parser can tell, and each boundary accepted however bytes arrive.
@Suite struct HTTPRequestParserLimitTests {
    @Test func defaultLimits() {
        let limits = HTTPLimits()
        #expect(limits.maxRequestLine == 8 * 1024)
        #expect(limits.maxHeaderBytes == 32 * 1024)
        #expect(limits.maxHeaderCount == 100)
        #expect(limits.maxBodyBytes == 1024 * 1024)
    }

    /// A request line of exactly `length` bytes (without its line end).
    static func requestLine(length: Int) -> String {
        let fixed = "GET / HTTP/1.1".utf8.count
        return "GET /" + String(repeating: "a", count: length - fixed) + " HTTP/1.1"
    }

    // MARK: Request line → 414

    /// Bug (byte by byte only): with the whole line and its CR buffered but the
    /// LF still in flight, the parser counts the CR against the limit and
    /// answers 414 to a line that it accepts when the LF comes in the same read.
    @Test(arguments: Feed.allCases)
    func requestLineAtTheLimitIsAccepted(feed: Feed) throws {
        let line = Self.requestLine(length: 64)
        #expect(line.utf8.count == 64)
        let parsed = try parseRequests(line + "\r\n\r\n", feed: feed, limits: smallLimits(requestLine: 64))
        #expect(parsed.requests.map(\.target.utf8.count) == [51])
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: Feed.allCases)
    func requestLineAtTheLimitWithBareLineFeedIsAccepted(feed: Feed) throws {
        let parsed = try parseRequests(Self.requestLine(length: 64) + "\n\n", feed: feed, limits: smallLimits(requestLine: 64))
        #expect(parsed.requests.count == 1)
    }

    @Test(arguments: Feed.allCases, ["\r\n", "\n"])
    func requestLineOneOverIsRefusedWith414(feed: Feed, lineEnd: String) throws {
        let input = Self.requestLine(length: 65) + lineEnd + "Host: x\r\n\r\n"
        let refused = try #require(refusal(input, feed: feed, limits: smallLimits(requestLine: 64)))
        #expect(refused.error == HTTPError(.uriTooLong, "request line too long"))
        if feed == .byteByByte {
            // Refused within the line's own end, before any header arrives.
            #expect(refused.bytesFed <= 65 + lineEnd.utf8.count)
        }
    }

    @Test(arguments: Feed.allCases)
    func requestLineWithoutEndIsRefusedOnceItPassesTheLimit(feed: Feed) throws {
        let input = "GET /" + String(repeating: "x", count: 200)
        let refused = try #require(refusal(input, feed: feed, limits: smallLimits(requestLine: 64)))
        #expect(refused.error.status == .uriTooLong)
        if feed == .byteByByte { #expect(refused.bytesFed <= 66) }
    }

    @Test func requestLineUnderTheLimitWithoutEndWaits() throws {
        #expect(try parseOnce("GET /" + String(repeating: "x", count: 50), limits: smallLimits(requestLine: 64)) == nil)
    }

    @Test func defaultRequestLineLimitIs8KiB() throws {
        let atLimit = Self.requestLine(length: 8192) + "\r\n\r\n"
        let (parsed, used) = try #require(try parseOnce(atLimit))
        #expect(parsed.target.utf8.count == 8192 - 13)
        #expect(used == atLimit.utf8.count)

        let error = try #require(throws: HTTPError.self) { _ = try parseOnce(Self.requestLine(length: 8193) + "\r\n\r\n") }
        #expect(error.status == .uriTooLong)
        let unterminated = try #require(throws: HTTPError.self) { _ = try parseOnce("GET /" + String(repeating: "a", count: 9000)) }
        #expect(unterminated.status == .uriTooLong)
    }

    @Test func leadingEmptyLinesDoNotCountAgainstTheRequestLine() throws {
        let input = "\r\n\r\n" + Self.requestLine(length: 64) + "\r\n\r\n"
        let (_, used) = try #require(try parseOnce(input, limits: smallLimits(requestLine: 64)))
        #expect(used == input.utf8.count)
    }

    // MARK: Header section → 431

    /// Header lines of `total` bytes with their CRLFs: one `X: vvv…` line.
    static func headerLine(total: Int) -> String {
        "X: " + String(repeating: "v", count: total - 5) + "\r\n"
    }

    /// Bug (byte by byte only): as for the request line, the terminating empty
    /// line's CR is counted before its LF arrives, so a head at the limit is
    /// refused with 431 when it arrives in pieces and accepted when whole.
    @Test(arguments: Feed.allCases)
    func headerBytesAtTheLimitAreAccepted(feed: Feed) throws {
        let input = "GET / HTTP/1.1\r\n" + Self.headerLine(total: 128) + "\r\n"
        let parsed = try parseRequests(input, feed: feed, limits: smallLimits(headerBytes: 128))
        #expect(parsed.requests.map { $0.headers.map(\.value.utf8.count) } == [[123]])
        #expect(parsed.leftover == 0)
    }

    @Test(arguments: Feed.allCases)
    func headerBytesOneOverAreRefusedWith431(feed: Feed) throws {
        let input = "GET / HTTP/1.1\r\n" + Self.headerLine(total: 129) + "\r\n"
        let refused = try #require(refusal(input, feed: feed, limits: smallLimits(headerBytes: 128)))
        #expect(refused.error == HTTPError(.headersTooLarge, "headers too large"))
    }

    @Test(arguments: Feed.allCases)
    func manySmallHeaderLinesAddUp(feed: Feed) throws {
        // 3 lines of 50 bytes: each fits, together they pass 128.
        let input = "GET / HTTP/1.1\r\n" + String(repeating: Self.headerLine(total: 50), count: 3) + "\r\n"
        let refused = try #require(refusal(input, feed: feed, limits: smallLimits(headerBytes: 128)))
        #expect(refused.error.status == .headersTooLarge)
    }

    @Test(arguments: Feed.allCases)
    func headerLineWithoutEndIsRefusedOnceItPassesTheLimit(feed: Feed) throws {
        let input = "GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 400)
        let refused = try #require(refusal(input, feed: feed, limits: smallLimits(headerBytes: 128)))
        #expect(refused.error.status == .headersTooLarge)
        if feed == .byteByByte { #expect(refused.bytesFed <= 16 + 128 + 2) }
    }

    @Test func defaultHeaderByteLimitIs32KiB() throws {
        let atLimit = "GET / HTTP/1.1\r\n" + Self.headerLine(total: 32 * 1024) + "\r\n"
        #expect(try parseOnce(atLimit)?.1 == atLimit.utf8.count)
        let over = "GET / HTTP/1.1\r\n" + Self.headerLine(total: 32 * 1024 + 1) + "\r\n"
        #expect(throws: HTTPError(.headersTooLarge, "headers too large")) { _ = try parseOnce(over) }
        let unterminated = "GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 40 * 1024)
        #expect(throws: HTTPError(.headersTooLarge, "headers too large")) { _ = try parseOnce(unterminated) }
    }

    @Test(arguments: Feed.allCases)
    func headerCountAtTheLimitIsAccepted(feed: Feed) throws {
        let input = "GET / HTTP/1.1\r\n" + (1...4).map { "H\($0): v\r\n" }.joined() + "\r\n"
        let parsed = try parseRequests(input, feed: feed, limits: smallLimits(headerCount: 4))
        #expect(parsed.requests.first?.headers.map(\.name) == ["H1", "H2", "H3", "H4"])
    }

    @Test(arguments: Feed.allCases)
    func headerCountOneOverIsRefusedWith431BeforeTheHeadEnds(feed: Feed) throws {
        let head = "GET / HTTP/1.1\r\n" + (1...5).map { "H\($0): v\r\n" }.joined()
        let refused = try #require(refusal(head + "H6: v\r\n\r\n", feed: feed, limits: smallLimits(headerCount: 4)))
        #expect(refused.error == HTTPError(.headersTooLarge, "too many header fields"))
        if feed == .byteByByte { #expect(refused.bytesFed <= head.utf8.count) }
    }

    @Test func defaultHeaderCountLimitIs100() throws {
        func head(_ count: Int) -> String {
            "GET / HTTP/1.1\r\n" + (0..<count).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        }
        #expect(try parseOnce(head(100))?.0.headers.count == 100)
        #expect(throws: HTTPError(.headersTooLarge, "too many header fields")) { _ = try parseOnce(head(101)) }
    }

    // MARK: Body → 413

    @Test(arguments: Feed.allCases)
    func bodyAtTheLimitIsAccepted(feed: Feed) throws {
        let body = String(repeating: "b", count: 16)
        let parsed = try parseRequests("POST / HTTP/1.1\r\nContent-Length: 16\r\n\r\n" + body, feed: feed, limits: smallLimits(body: 16))
        #expect(parsed.requests.first?.body == Array(body.utf8))
    }

    @Test(arguments: Feed.allCases)
    func bodyOverTheLimitIsRefusedWhenTheHeadEndsWithoutWaitingForIt(feed: Feed) throws {
        let head = "POST / HTTP/1.1\r\nContent-Length: 17\r\nHost: x\r\n\r\n"
        // Only the head is sent: the refusal must not wait for any body byte.
        let refused = try #require(refusal(head, feed: feed, limits: smallLimits(body: 16)))
        #expect(refused.error == HTTPError(.payloadTooLarge, "body larger than 16 bytes"))
        #expect(refused.bytesFed == head.utf8.count)
    }

    @Test func defaultBodyLimitIs1MiB() throws {
        // At the limit the head is accepted and the parser waits for the body.
        #expect(try parseOnce("POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n") == nil)
        #expect(throws: HTTPError(.payloadTooLarge, "body larger than 1048576 bytes")) {
            _ = try parseOnce("POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n")
        }
        #expect(throws: HTTPError(.payloadTooLarge, "body larger than 1048576 bytes")) {
            _ = try parseOnce("POST / HTTP/1.1\r\nContent-Length: 999999999999999999\r\n\r\n")
        }
        let body = [UInt8](repeating: 0x61, count: 1024 * 1024)
        let (parsed, used) = try #require(try parseOnce(Array("POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n".utf8) + body))
        #expect(parsed.body.count == 1024 * 1024)
        #expect(used == 44 + 1024 * 1024)
    }
}
