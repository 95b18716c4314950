import Testing
@testable import HTTP

/// Encoding responses: always `Content-Length`, never chunked.
@Suite struct HTTPResponseTests {
    static func encoded(_ response: HTTPResponse, keepAlive: Bool = true, includeBody: Bool = true, date: String? = nil) -> String {
        var output: [UInt8] = []
        response.encode(into: &output, keepAlive: keepAlive, includeBody: includeBody, date: date)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func keepAliveResponse() {
        #expect(Self.encoded(HTTPResponse(status: .ok, body: "ok\n")) ==
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n")
    }

    @Test func closingResponse() {
        #expect(Self.encoded(HTTPResponse(status: .notFound, body: "nope"), keepAlive: false) ==
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope")
    }

    @Test func headHasTheBodysContentLengthButNoBody() {
        let response = HTTPResponse(status: .ok, contentType: "text/html; charset=utf-8", body: "This Compose/Flask demo has been viewed 7 time(s).")
        let head = Self.encoded(response, includeBody: false)
        #expect(head == "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 50\r\nConnection: keep-alive\r\n\r\n")
        #expect(Self.encoded(response) == head + "This Compose/Flask demo has been viewed 7 time(s).")
    }

    @Test func extraHeadersFollowContentTypeAndPrecedeLengthDateAndConnection() {
        let response = HTTPResponse(status: .methodNotAllowed, body: "use GET\n", headers: [("Allow", "GET, HEAD"), ("Retry-After", "1")])
        #expect(Self.encoded(response, keepAlive: false, date: "Sun, 06 Nov 1994 08:49:37 GMT") ==
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nAllow: GET, HEAD\r\nRetry-After: 1\r\n"
            + "Content-Length: 8\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\nuse GET\n")
    }

    @Test func contentLengthCountsUTF8Bytes() {
        let response = HTTPResponse(status: .ok, body: "é€😀")
        #expect(response.body.count == 9)
        #expect(Self.encoded(response).contains("\r\nContent-Length: 9\r\n"))
    }

    @Test func emptyBody() {
        #expect(Self.encoded(HTTPResponse(status: .serviceUnavailable, body: "")) ==
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func encodeAppendsToWhatIsAlreadyThere() {
        var output = Array("previous".utf8)
        HTTPResponse(status: .ok, body: "a").encode(into: &output, keepAlive: true)
        HTTPResponse(status: .ok, body: "b").encode(into: &output, keepAlive: false)
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.hasPrefix("previousHTTP/1.1 200 OK\r\n"))
        #expect(text.hasSuffix("Connection: close\r\n\r\nb"))
        #expect(text.split(separator: "HTTP/1.1 200 OK", omittingEmptySubsequences: false).count == 3)
    }

    @Test(arguments: [
        (HTTPStatus.ok, 200, "OK"), (.badRequest, 400, "Bad Request"), (.notFound, 404, "Not Found"),
        (.methodNotAllowed, 405, "Method Not Allowed"), (.requestTimeout, 408, "Request Timeout"),
        (.lengthRequired, 411, "Length Required"), (.payloadTooLarge, 413, "Payload Too Large"),
        (.uriTooLong, 414, "URI Too Long"), (.headersTooLarge, 431, "Request Header Fields Too Large"),
        (.internalServerError, 500, "Internal Server Error"), (.notImplemented, 501, "Not Implemented"),
        (.serviceUnavailable, 503, "Service Unavailable"), (.versionNotSupported, 505, "HTTP Version Not Supported"),
    ])
    func statusLine(status: HTTPStatus, code: Int, phrase: String) {
        #expect(status.rawValue == code)
        #expect(status.reasonPhrase == phrase)
        #expect(Self.encoded(HTTPResponse(status: status, body: "")).hasPrefix("HTTP/1.1 \(code) \(phrase)\r\n"))
    }

    @Test func errorCarriesStatusAndReason() {
        let error = HTTPError(.uriTooLong, "request line too long")
        #expect(error.status == .uriTooLong)
        #expect(error.reason == "request line too long")
        #expect(error != HTTPError(.uriTooLong, "other"))
        #expect(error != HTTPError(.badRequest, "request line too long"))
    }
}
