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
    case unknownCommand(name: String, arguments: [String])
    case unknownSubcommand(command: String, subcommand: String)
    case invalidExpireTime(command: String)
    case dbIndexOutOfRange
    case noSuchKey
    case commitFailed(String)
    case storage(String)
    case noProto
    case custom(String)

    package var wireText: String {
        switch self {
        case .notInteger: return "ERR value is not an integer or out of range"
        case .overflow: return "ERR increment or decrement would overflow"
        case .notFloat: return "ERR value is not a valid float"
        case .nanOrInfinity: return "ERR increment would produce NaN or Infinity"
        case .wrongType: return "WRONGTYPE Operation against a key holding the wrong kind of value"
        case .syntax: return "ERR syntax error"
        case .wrongArity(let command): return "ERR wrong number of arguments for '\(command)' command"
        case .unknownCommand(let name, let arguments):
            // As Redis: arguments are listed while the list is under 128 bytes,
            // each cut to what is left of those 128.
            var listed = ""
            for argument in arguments {
                let used = listed.utf8.count
                if used >= 128 { break }
                listed += "'" + String(decoding: argument.utf8.prefix(128 - used), as: UTF8.self) + "' "
            }
            return "ERR unknown command '\(String(decoding: name.utf8.prefix(128), as: UTF8.self))', with args beginning with: \(listed)"
        case .unknownSubcommand(let command, let subcommand):
            return "ERR unknown subcommand '\(subcommand.prefix(128))'. Try \(command.uppercased()) HELP."
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
