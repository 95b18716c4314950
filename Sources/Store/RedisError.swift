/// An error a Redis client sees, each knowing its exact wire text (without
/// the leading `-` and the CRLF), so every error string exists once.
package enum RedisError: Error, Equatable, Sendable {
    case notInteger
    case overflow
    case notFloat
    case nanOrInfinity
    case wrongType
    case syntax
    case wrongArity(command: String)
    case unknownCommand(name: [UInt8], arguments: [[UInt8]])
    case unknownSubcommand(command: String, subcommand: [UInt8])
    case invalidExpireTime(command: String)
    case dbIndexOutOfRange
    case noSuchKey
    case commitFailed(String)
    case storage(String)
    case noProto
    case custom(String)

    /// The exact bytes sent: the unknown-command errors quote the client's
    /// bytes as Redis does (as C strings: cut at a NUL, then at 128 bytes),
    /// which need not be UTF-8.
    package var wireBytes: [UInt8] {
        switch self {
        case .unknownCommand(let name, let arguments):
            // Arguments are listed while the list is under 128 bytes, each
            // cut to what is left of those 128.
            var listed: [UInt8] = []
            for argument in arguments {
                if listed.count >= 128 { break }
                listed += [UInt8(ascii: "'")] + RedisError.cString(argument).prefix(128 - listed.count) + Array("' ".utf8)
            }
            return Array("ERR unknown command '".utf8) + RedisError.cString(name).prefix(128)
                + Array("', with args beginning with: ".utf8) + listed
        case .unknownSubcommand(let command, let subcommand):
            return Array("ERR unknown subcommand '".utf8) + RedisError.cString(subcommand).prefix(128)
                + Array("'. Try \(command.uppercased()) HELP.".utf8)
        default:
            return Array(wireText.utf8)
        }
    }

    /// The bytes before the first NUL, as C's `%s` prints them.
    private static func cString(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.prefix { $0 != 0 }
    }

    package var wireText: String {
        switch self {
        case .notInteger: return "ERR value is not an integer or out of range"
        case .overflow: return "ERR increment or decrement would overflow"
        case .notFloat: return "ERR value is not a valid float"
        case .nanOrInfinity: return "ERR increment would produce NaN or Infinity"
        case .wrongType: return "WRONGTYPE Operation against a key holding the wrong kind of value"
        case .syntax: return "ERR syntax error"
        case .wrongArity(let command): return "ERR wrong number of arguments for '\(command)' command"
        case .unknownCommand, .unknownSubcommand:
            return String(decoding: wireBytes, as: UTF8.self)
        case .invalidExpireTime(let command): return "ERR invalid expire time in '\(command)' command"
        case .dbIndexOutOfRange: return "ERR DB index is out of range"
        case .noSuchKey: return "ERR no such key"
        case .commitFailed(let reason): return "ERR write not committed: \(reason)"
        case .storage(let reason): return "ERR storage error: \(reason)"
        case .noProto: return "NOPROTO unsupported protocol version"
        case .custom(let text): return text
        }
    }
}
