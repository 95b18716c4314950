@testable import HTTP

/// How a test hands a byte stream to the parser, as bytes would arrive from a socket.
enum Feed: CaseIterable, CustomStringConvertible, Sendable {
    /// Everything in one read.
    case whole
    /// One byte per read: every boundary inside every line is crossed.
    case byteByByte
    /// Reads of seven bytes, which fall at uneven places in lines and bodies.
    case sevens

    var chunkSize: Int? {
        switch self {
        case .whole: nil
        case .byteByByte: 1
        case .sevens: 7
        }
    }

    var description: String {
        switch self {
        case .whole: "whole"
        case .byteByByte: "byte by byte"
        case .sevens: "7-byte reads"
        }
    }

    /// `input` cut into the reads this feed makes.
    func chunks(_ input: [UInt8]) -> [ArraySlice<UInt8>] {
        guard let size = chunkSize else { return [input[...]] }
        return stride(from: 0, to: input.count, by: size).map { input[$0..<min($0 + size, input.count)] }
    }
}

/// What a connection would make of a request stream.
struct ParsedRequests {
    var requests: [HTTPRequest] = []
    /// The bytes each request used, in order.
    var consumed: [Int] = []
    /// Bytes left unconsumed at the end (an incomplete request).
    var leftover = 0
}

/// A refusal and how many bytes of the stream had arrived when it came.
struct Refusal: Error {
    var error: HTTPError
    var bytesFed: Int
}

/// Runs the parser over `input` the way a connection does: buffer each read,
/// parse while whole requests are there, drop what was consumed. Throws a
/// `Refusal` saying how far the stream had got when the parser refused it.
func parseRequests(_ input: [UInt8], feed: Feed, limits: HTTPLimits = HTTPLimits()) throws(Refusal) -> ParsedRequests {
    let parser = HTTPRequestParser(limits: limits)
    var buffer: [UInt8] = []
    var fed = 0
    var result = ParsedRequests()
    for chunk in feed.chunks(input) {
        buffer.append(contentsOf: chunk)
        fed += chunk.count
        while !buffer.isEmpty {
            let parsed: (HTTPRequest, Int)?
            switch buffer.withUnsafeBytes({ bytes in Result { () throws(HTTPError) in try parser.parse(bytes) } }) {
            case .success(let value): parsed = value
            case .failure(let error): throw Refusal(error: error, bytesFed: fed)
            }
            guard let (request, used) = parsed else { break }
            result.requests.append(request)
            result.consumed.append(used)
            buffer.removeFirst(used)
        }
    }
    result.leftover = buffer.count
    return result
}

/// `parseRequests` on a text stream.
func parseRequests(_ text: String, feed: Feed, limits: HTTPLimits = HTTPLimits()) throws(Refusal) -> ParsedRequests {
    try parseRequests(Array(text.utf8), feed: feed, limits: limits)
}

/// The refusal the parser gives `input` fed as `feed`, or nil when it accepts it.
func refusal(_ input: [UInt8], feed: Feed, limits: HTTPLimits = HTTPLimits()) -> Refusal? {
    do {
        _ = try parseRequests(input, feed: feed, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// `refusal` on a text stream.
func refusal(_ text: String, feed: Feed, limits: HTTPLimits = HTTPLimits()) -> Refusal? {
    refusal(Array(text.utf8), feed: feed, limits: limits)
}

/// One call of the parser on exactly `input`.
func parseOnce(_ input: [UInt8], limits: HTTPLimits = HTTPLimits()) throws(HTTPError) -> (HTTPRequest, Int)? {
    let parser = HTTPRequestParser(limits: limits)
    return try input.withUnsafeBytes { bytes in Result { () throws(HTTPError) in try parser.parse(bytes) } }.get()
}

/// `parseOnce` on text.
func parseOnce(_ text: String, limits: HTTPLimits = HTTPLimits()) throws(HTTPError) -> (HTTPRequest, Int)? {
    try parseOnce(Array(text.utf8), limits: limits)
}

/// Limits small enough that byte-by-byte feeding reaches them quickly.
func smallLimits(requestLine: Int = 64, headerBytes: Int = 128, headerCount: Int = 4, body: Int = 16) -> HTTPLimits {
    var limits = HTTPLimits()
    limits.maxRequestLine = requestLine
    limits.maxHeaderBytes = headerBytes
    limits.maxHeaderCount = headerCount
    limits.maxBodyBytes = body
    return limits
}

/// A request as the parser should produce it.
func request(_ method: String = "GET", _ target: String = "/", minor: Int = 1,
             headers: [(String, String)] = [], body: String = "") -> HTTPRequest {
    HTTPRequest(method: method, target: target, minorVersion: minor,
                headers: headers.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8))
}
