import Testing
@testable import HTTP

/// Xorshift64 (Marsaglia 2003): a fixed seed gives the same inputs on every run.
struct Xorshift64 {
    private var state: UInt64

    init(seed: UInt64) {
        precondition(seed != 0, "xorshift needs a non-zero seed")
        state = seed
    }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// A value in `0..<bound`.
    mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}

/// Random input never crashes the parser, and whatever it accepts it
/// accepted from the bytes it was given.
@Suite struct HTTPRequestParserPropertyTests {
    /// Pieces of requests, so that random input often gets past the request
    /// line and into headers, lengths and bodies.
    static let fragments: [[UInt8]] = [
        "GET", "POST", "HEAD", " ", "/", "/readyz?x=1", " HTTP/1.1", " HTTP/1.0", " HTTP/2.0", "\r\n", "\n", "\r",
        "Host: x", "Content-Length: ", "content-length:", "Transfer-Encoding: chunked", "Connection: close", ":",
        "0", "1", "3", "17", "99999999999999999999", "\t", "\u{0}", "é", "abc",
    ].map { Array($0.utf8) }

    /// Whole requests to mutate.
    static let templates: [[UInt8]] = [
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /a?b=c HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc",
        "\r\nHEAD /healthz HTTP/1.1\nX:  y \n\nGET / HTTP/1.1\r\n\r\n",
        "PUT /x HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello",
    ].map { Array($0.utf8) }

    /// One of three shapes: random bytes, a soup of request fragments, or a
    /// whole request with a few bytes changed, removed or cut off.
    static func randomInput(_ random: inout Xorshift64) -> [UInt8] {
        switch random.next(below: 3) {
        case 0:
            return (0..<random.next(below: 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 1:
            var input: [UInt8] = []
            for _ in 0..<random.next(below: 24) { input.append(contentsOf: fragments[random.next(below: fragments.count)]) }
            return input
        default:
            var input = templates[random.next(below: templates.count)]
            for _ in 0..<random.next(below: 4) {
                let at = random.next(below: input.count)
                switch random.next(below: 4) {
                case 0: input[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: input.remove(at: at)
                case 2: input.insert(contentsOf: fragments[random.next(below: fragments.count)], at: at)
                default: input.removeLast(random.next(below: input.count / 2 + 1))
                }
                if input.isEmpty { break }
            }
            return input
        }
    }

    @Test func randomBytesNeverCrashAndNeverConsumeMoreThanGiven() throws {
        var random = Xorshift64(seed: 0x7A11_7EB5_EED5_0001)
        // Small limits so that random input reaches every refusal, too.
        let limitSets = [HTTPLimits(), smallLimits(requestLine: 24, headerBytes: 40, headerCount: 3, body: 8)]
        let allowed: Set<HTTPStatus> = [.badRequest, .payloadTooLarge, .uriTooLong, .headersTooLarge, .notImplemented, .versionNotSupported]
        var outcomes = (accepted: 0, incomplete: 0, refused: 0)
        for iteration in 0..<20_000 {
            let input = Self.randomInput(&random)
            let limits = limitSets[iteration % limitSets.count]
            switch Result(catching: { () throws(HTTPError) in try parseOnce(input, limits: limits) }) {
            case .failure(let error):
                outcomes.refused += 1
                #expect(allowed.contains(error.status), "iteration \(iteration): \(error)")
            case .success(nil):
                outcomes.incomplete += 1
            case .success(let (request, used)?):
                outcomes.accepted += 1
                #expect(used > 0 && used <= input.count, "iteration \(iteration): consumed \(used) of \(input.count)")
                #expect(request.body.count <= limits.maxBodyBytes)
                // The request depends only on the bytes it used.
                let again = try #require(try parseOnce(Array(input[..<used]), limits: limits), "iteration \(iteration)")
                #expect(again.0 == request && again.1 == used, "iteration \(iteration)")
            }
        }
        // The generator must reach all three outcomes, or the property proves little.
        #expect(outcomes.accepted > 1000)
        #expect(outcomes.incomplete > 1000)
        #expect(outcomes.refused > 1000)
    }

    @Test func pureRandomBytesFedByteByByteNeverCrash() throws {
        var random = Xorshift64(seed: 42)
        for iteration in 0..<200 {
            let input = (0..<random.next(below: 512)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            do {
                let parsed = try parseRequests(input, feed: .byteByByte)
                #expect(parsed.consumed.reduce(0, +) + parsed.leftover == input.count, "iteration \(iteration)")
            } catch {
                #expect(error.bytesFed <= input.count, "iteration \(iteration)")
            }
        }
    }
}
