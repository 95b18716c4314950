/// A reply that is not valid RESP, or exceeds the parser's bounds.
package enum ReplyParseError: Error, Equatable, Sendable {
    /// The first byte of a value names no RESP type.
    case unknownType(UInt8)
    /// A `\r` inside a line was not followed by `\n`.
    case missingLineFeed
    /// A bulk body was not followed by CRLF.
    case missingBulkTerminator
    /// A length or count that is not a number, is negative, or is over the limit.
    case invalidLength
    /// Aggregates nested deeper than the parser's `maxDepth`.
    case tooDeep
    /// The text of an integer, double, boolean, null or verbatim value is malformed.
    case invalidValue(type: UInt8)

    package var message: String {
        switch self {
        case .unknownType(let byte): "unknown RESP type byte \(byte)"
        case .missingLineFeed: "CR not followed by LF"
        case .missingBulkTerminator: "bulk data not followed by CRLF"
        case .invalidLength: "invalid length or element count"
        case .tooDeep: "aggregates nested too deep"
        case .invalidValue(let type): "malformed value of type '\(Character(Unicode.Scalar(type)))'"
        }
    }
}
