/// A malformed request; the connection replies with `-ERR <message>` and closes, as Redis does.
package enum ProtocolError: Error, Equatable, Sendable {
    case invalidMultibulkLength
    case invalidBulkLength
    case tooBigInlineRequest
    case tooBigMultibulkCount
    case tooBigBulkCount
    /// A multibulk element did not start with `$`; `got` is the byte found instead.
    case expectedDollar(got: UInt8)
    case unbalancedQuotes
    /// Over the limits for a client that has not authenticated yet.
    case unauthenticatedMultibulkLength
    case unauthenticatedBulkLength

    /// Redis's own text, without the `-ERR ` prefix and the CRLF.
    package var message: String {
        switch self {
        case .invalidMultibulkLength: "Protocol error: invalid multibulk length"
        case .invalidBulkLength: "Protocol error: invalid bulk length"
        case .tooBigInlineRequest: "Protocol error: too big inline request"
        case .tooBigMultibulkCount: "Protocol error: too big mbulk count string"
        case .tooBigBulkCount: "Protocol error: too big bulk count string"
        case .expectedDollar(let got):
            // Redis prints the byte with %c; a byte above 0x7F cannot be a
            // String on its own, so it decodes to U+FFFD here.
            "Protocol error: expected '$', got '\(String(decoding: [got], as: UTF8.self))'"
        case .unbalancedQuotes: "Protocol error: unbalanced quotes in request"
        case .unauthenticatedMultibulkLength: "Protocol error: unauthenticated multibulk length"
        case .unauthenticatedBulkLength: "Protocol error: unauthenticated bulk length"
        }
    }
}
