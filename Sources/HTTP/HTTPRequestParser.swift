/// Incremental HTTP/1.x request parser: returns nil until a whole request
/// (head and `Content-Length` body) is buffered, and refuses oversized or
/// malformed input as soon as it can tell, without waiting for the rest.
package struct HTTPRequestParser: Sendable {
    package var limits: HTTPLimits

    package init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    /// Parses one request at the start of `input`: the request and the bytes
    /// it used, nil when more input is needed, or an error to answer.
    package func parse(_ input: UnsafeRawBufferPointer) throws(HTTPError) -> (HTTPRequest, Int)? {
        var index = 0
        // RFC 9112 §2.2: ignore empty lines (CRLF or a bare LF) before the
        // request line, but no more of them than a request line's worth.
        while index < input.count {
            if input[index] == Self.lf {
                index += 1
            } else if input[index] == Self.cr && index + 1 < input.count && input[index + 1] == Self.lf {
                index += 2
            } else {
                break
            }
            if index > limits.maxRequestLine { throw HTTPError(.badRequest, "too many empty lines before the request") }
        }
        guard let lineEnd = findLineEnd(input, from: index, limit: limits.maxRequestLine) else {
            // A line exactly at the limit may wait for its LF after the CR.
            if input.count - index > limits.maxRequestLine + 1 { throw HTTPError(.uriTooLong, "request line too long") }
            return nil
        }
        if lineEnd.contentEnd - index > limits.maxRequestLine { throw HTTPError(.uriTooLong, "request line too long") }
        var request = try parseRequestLine(input, index..<lineEnd.contentEnd)
        index = lineEnd.next

        let headStart = index
        while true {
            let remainingBudget = limits.maxHeaderBytes - (index - headStart)
            guard let end = findLineEnd(input, from: index, limit: remainingBudget) else {
                // As for the request line: a final CR may wait for its LF.
                if input.count - headStart > limits.maxHeaderBytes + 1 { throw HTTPError(.headersTooLarge, "headers too large") }
                return nil
            }
            if end.next - headStart > limits.maxHeaderBytes + 2 { throw HTTPError(.headersTooLarge, "headers too large") }
            if end.contentEnd == index {
                index = end.next
                break
            }
            guard request.headers.count < limits.maxHeaderCount else { throw HTTPError(.headersTooLarge, "too many header fields") }
            request.headers.append(try parseHeader(input, index..<end.contentEnd))
            index = end.next
        }

        let length = try bodyLength(of: request)
        guard input.count - index >= length else { return nil }
        request.body = Array(input[index..<index + length])
        return (request, index + length)
    }

    /// The end of the line starting at `start` (before CRLF or a bare LF)
    /// and where the next line starts; nil when no line end within `limit`.
    private func findLineEnd(_ input: UnsafeRawBufferPointer, from start: Int, limit: Int) -> (contentEnd: Int, next: Int)? {
        let stop = min(input.count, start + max(0, limit) + 2)
        var index = start
        while index < stop {
            if input[index] == Self.lf {
                let contentEnd = index > start && input[index - 1] == Self.cr ? index - 1 : index
                return (contentEnd, index + 1)
            }
            index += 1
        }
        return nil
    }

    private func parseRequestLine(_ input: UnsafeRawBufferPointer, _ range: Range<Int>) throws(HTTPError) -> HTTPRequest {
        let parts = input[range].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw HTTPError(.badRequest, "malformed request line")
        }
        guard parts[0].allSatisfy(Self.isTokenByte) else { throw HTTPError(.badRequest, "malformed method") }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw HTTPError(.badRequest, "malformed request target") }
        // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT.
        let version = Array(parts[2])
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard version.count == 8, version.starts(with: "HTTP/".utf8), isDigit(version[5]),
              version[6] == UInt8(ascii: "."), isDigit(version[7]) else {
            throw HTTPError(.badRequest, "malformed HTTP version")
        }
        guard version[5] == UInt8(ascii: "1") else { throw HTTPError(.versionNotSupported, "only HTTP/1.0 and HTTP/1.1") }
        // RFC 9110 §6.2: a higher 1.x minor version is served as 1.1.
        let minor = version[7] == UInt8(ascii: "0") ? 0 : 1
        return HTTPRequest(method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: parts[1], as: UTF8.self),
                           minorVersion: minor, headers: [], body: [])
    }

    private func parseHeader(_ input: UnsafeRawBufferPointer, _ range: Range<Int>) throws(HTTPError) -> (name: String, value: String) {
        let line = input[range]
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > range.lowerBound else {
            throw HTTPError(.badRequest, "malformed header line")
        }
        let name = line[range.lowerBound..<colon]
        // RFC 9112 §5.1: no whitespace between the field name and the colon.
        guard name.allSatisfy(Self.isTokenByte) else { throw HTTPError(.badRequest, "malformed header name") }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw HTTPError(.badRequest, "control character in header value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// The body length from `Content-Length`; chunked bodies are not accepted.
    private func bodyLength(of request: HTTPRequest) throws(HTTPError) -> Int {
        if request.headers.contains(where: { $0.name.lowercased() == "transfer-encoding" }) {
            throw HTTPError(.notImplemented, "Transfer-Encoding is not supported; send Content-Length")
        }
        let lengths = request.headers.filter { $0.name.lowercased() == "content-length" }.map(\.value)
        guard let first = lengths.first else { return 0 }
        // Differing duplicates are a smuggling attempt (RFC 9112 §6.3).
        guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 18,
              first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let length = Int(first) else {
            throw HTTPError(.badRequest, "invalid Content-Length")
        }
        guard length <= limits.maxBodyBytes else { throw HTTPError(.payloadTooLarge, "body larger than \(limits.maxBodyBytes) bytes") }
        return length
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
