import RESP
@testable import RESPServer

/// Every spec of the table, subcommands after their container.
let allSpecs: [CommandSpec] = CommandTable.all.flatMap { [$0] + $0.subcommands }

/// Builds the arguments of one command from raw byte strings.
func arguments(bytes parts: [[UInt8]]) -> Arguments {
    var arguments = Arguments()
    for part in parts { arguments.append(contentsOf: part) }
    return arguments
}

/// What `CommandTable.resolve` answered, in a form tests compare: the
/// resolved spec's full name, or the error's wire text.
enum Resolution: Equatable, CustomStringConvertible {
    case command(String)
    case error(String)

    init(_ arguments: Arguments) {
        switch CommandTable.resolve(arguments) {
        case .success(let spec): self = .command(spec.fullName)
        case .failure(let error): self = .error(error.wireText)
        }
    }

    init(_ strings: [String]) { self.init(Arguments(strings)) }

    var description: String {
        switch self {
        case .command(let name): "command \(name)"
        case .error(let text): "error \(text.debugDescription)"
        }
    }
}

/// A string whose characters stand for the bytes 0x00–0xFF (Latin-1), for
/// patterns and keys with bytes that are not UTF-8.
func latin1(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { scalar in
        precondition(scalar.value <= 0xFF, "not a Latin-1 character")
        return UInt8(scalar.value)
    }
}
