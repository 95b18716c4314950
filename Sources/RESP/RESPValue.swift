/// One reply as a client sees it, in either protocol version.
///
/// RESP2's null bulk (`$-1`) and null array (`*-1`) both decode to `.null`,
/// as does RESP3's `_`. A blob error (`!len`) decodes to `.error`.
/// Attributes (`|n`) are read and dropped; the value they annotate is kept.
package indirect enum RESPValue: Sendable {
    case simpleString(String)
    /// The error text without the leading `-`, e.g. `ERR unknown command`.
    case error(String)
    case integer(Int64)
    case bulkString([UInt8])
    case null
    case array([RESPValue])
    /// Key-value pairs in wire order; RESP3 maps may repeat keys and keys need not be hashable.
    case map([(RESPValue, RESPValue)])
    case set([RESPValue])
    case double(Double)
    case boolean(Bool)
    case verbatim(format: String, text: [UInt8])
    case bigNumber(String)
    case push([RESPValue])
}

extension RESPValue {
    /// A bulk string holding the UTF-8 of `text`.
    package static func bulkString(_ text: String) -> RESPValue {
        .bulkString(Array(text.utf8))
    }

    /// The bytes of a bulk string, simple string or verbatim string, as UTF-8 text.
    package var stringValue: String? {
        switch self {
        case .simpleString(let text), .bigNumber(let text): text
        case .bulkString(let bytes), .verbatim(_, let bytes): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }
}

extension RESPValue: Equatable {
    /// Structural equality; a NaN double equals a NaN double so that every value equals itself.
    package static func == (lhs: RESPValue, rhs: RESPValue) -> Bool {
        switch (lhs, rhs) {
        case (.simpleString(let a), .simpleString(let b)): a == b
        case (.error(let a), .error(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.bulkString(let a), .bulkString(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.map(let a), .map(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.set(let a), .set(let b)): a == b
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.boolean(let a), .boolean(let b)): a == b
        case (.verbatim(let formatA, let a), .verbatim(let formatB, let b)): formatA == formatB && a == b
        case (.bigNumber(let a), .bigNumber(let b)): a == b
        case (.push(let a), .push(let b)): a == b
        default: false
        }
    }
}

extension RESPValue: CustomStringConvertible {
    /// A one-line rendering close to `redis-cli`'s, for test failures and logs.
    package var description: String {
        switch self {
        case .simpleString(let text): text
        case .error(let text): "(error) \(text)"
        case .integer(let value): "(integer) \(value)"
        case .bulkString(let bytes): quoted(bytes)
        case .null: "(nil)"
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let pairs): "{" + pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
        case .set(let items): "(set) {" + items.map(\.description).joined(separator: ", ") + "}"
        case .double(let value): "(double) \(value)"
        case .boolean(let value): "(boolean) \(value)"
        case .verbatim(let format, let text): "(\(format)) \(quoted(text))"
        case .bigNumber(let digits): "(big number) \(digits)"
        case .push(let items): "(push) [" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// `bytes` in double quotes, escaped as `redis-cli` does so binary data stays on one line.
    private func quoted(_ bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case ASCII.backslash: text += "\\\\"
            case ASCII.doubleQuote: text += "\\\""
            case ASCII.lf: text += "\\n"
            case ASCII.cr: text += "\\r"
            case ASCII.tab: text += "\\t"
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789abcdef".utf8)
                text += "\\x" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return text + "\""
    }
}
