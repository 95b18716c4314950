/// One response, encoded with `Content-Length` (never chunked).
package struct HTTPResponse: Sendable {
    package var status: HTTPStatus
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(status: HTTPStatus, contentType: String = "text/plain; charset=utf-8", body: String, headers: [(String, String)] = []) {
        self.status = status
        self.body = Array(body.utf8)
        self.headers = [("Content-Type", contentType)] + headers
    }

    /// Appends the encoded response; `includeBody` is false for HEAD.
    package func encode(into output: inout [UInt8], keepAlive: Bool, includeBody: Bool = true, date: String? = nil) {
        var head = "HTTP/1.1 \(status.rawValue) \(status.reasonPhrase)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        if let date { head += "Date: \(date)\r\n" }
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        output.append(contentsOf: head.utf8)
        if includeBody { output.append(contentsOf: body) }
    }
}
