import HTTP

/// Fuzzes `HTTPRequestParser` with the bytes a client could send on one
/// keep-alive connection, parsing request after request as tally-web does.
///
/// Properties checked, for each request position in the stream:
/// - a request consumes at least one byte and no more than it was given,
///   and parsing exactly those bytes gives the same request;
/// - its body is exactly `Content-Length` bytes (none without the header);
/// - a shorter prefix of the input is incomplete (never a request, never
///   an error) when the whole is a request or incomplete, and when the whole
///   is an error a prefix is incomplete or that same error;
/// - with small limits nothing traps.
public func fuzzHTTPRequestParser(_ data: UnsafeRawBufferPointer) {
    HTTPStream.check(data, parser: HTTPRequestParser())
    var small = HTTPLimits()
    small.maxRequestLine = 40
    small.maxHeaderBytes = 96
    small.maxHeaderCount = 4
    small.maxBodyBytes = 32
    HTTPStream.check(data, parser: HTTPRequestParser(limits: small))
}

enum HTTPStream {
    enum Outcome: Equatable {
        case request(HTTPRequest, Int)
        case incomplete
        case error(HTTPError)
    }

    static func outcome(_ parser: HTTPRequestParser, _ data: UnsafeRawBufferPointer) -> Outcome {
        do {
            guard let (request, consumed) = try parser.parse(data) else { return .incomplete }
            return .request(request, consumed)
        } catch {
            return .error(error)
        }
    }

    static func check(_ data: UnsafeRawBufferPointer, parser: HTTPRequestParser) {
        var offset = 0
        // Only the default limits make the prefix property exact: with small ones a
        // prefix may be refused for a length the whole input's line end would have allowed.
        let checkPrefixes = parser.limits.maxRequestLine > data.count && parser.limits.maxHeaderBytes > data.count
        while offset < data.count {
            let input = UnsafeRawBufferPointer(rebasing: data[offset...])
            let whole = outcome(parser, input)
            if checkPrefixes { checkPrefixesOf(input, whole: whole, parser: parser) }
            guard case .request(let request, let consumed) = whole else { return }
            fuzzCheck(consumed > 0 && consumed <= input.count, "consumed \(consumed) of \(input.count)")
            let exact = outcome(parser, UnsafeRawBufferPointer(rebasing: input[..<consumed]))
            fuzzCheck(exact == whole, "exactly its \(consumed) bytes gave \(exact), not \(whole)")
            let length = request.headers.first { $0.name.lowercased() == "content-length" }.map { Int($0.value) ?? -1 } ?? 0
            fuzzCheck(request.body.count == length, "body of \(request.body.count) bytes for Content-Length \(length)")
            offset += consumed
        }
    }

    /// Prefixes ending around each line feed (where the parser decides
    /// things), just before the end, and all of them for short inputs.
    private static func checkPrefixesOf(_ input: UnsafeRawBufferPointer, whole: Outcome, parser: HTTPRequestParser) {
        let end: Int
        if case .request(_, let consumed) = whole { end = consumed } else { end = input.count }
        var lengths: [Int] = []
        if end <= 256 {
            lengths = Array(0..<end)
        } else {
            lengths = [end - 1, end - 2, end / 2]
            for index in 0..<end where input[index] == UInt8(ascii: "\n") && lengths.count < 96 {
                lengths.append(contentsOf: [index, index + 1])
            }
        }
        for length in lengths where length >= 0 && length < end {
            let prefix = outcome(parser, UnsafeRawBufferPointer(rebasing: input[..<length]))
            switch (whole, prefix) {
            case (_, .incomplete):
                continue
            case (.error(let error), .error(let early)) where error == early:
                continue
            default:
                fuzzCheck(false, "prefix of \(length) bytes gave \(prefix), the whole input \(whole)")
            }
        }
    }
}
