import Store
import Testing

/// Every Redis-visible error knows its one wire text, byte for byte as Redis 7.0 sends it.
@Suite struct RedisErrorTests {
    @Test(arguments: [
        (RedisError.notInteger, "ERR value is not an integer or out of range"),
        (.overflow, "ERR increment or decrement would overflow"),
        (.notFloat, "ERR value is not a valid float"),
        (.nanOrInfinity, "ERR increment would produce NaN or Infinity"),
        (.wrongType, "WRONGTYPE Operation against a key holding the wrong kind of value"),
        (.syntax, "ERR syntax error"),
        (.wrongArity(command: "get"), "ERR wrong number of arguments for 'get' command"),
        (.wrongArity(command: "client|setname"), "ERR wrong number of arguments for 'client|setname' command"),
        (.unknownCommand(name: Array("foo".utf8), arguments: [Array("bar".utf8)]), "ERR unknown command 'foo', with args beginning with: 'bar' "),
        (.unknownCommand(name: Array("foo".utf8), arguments: []), "ERR unknown command 'foo', with args beginning with: "),
        (.unknownSubcommand(command: "client", subcommand: Array("foo".utf8)), "ERR unknown subcommand 'foo'. Try CLIENT HELP."),
        (.unknownSubcommand(command: "config", subcommand: Array("GETX".utf8)), "ERR unknown subcommand 'GETX'. Try CONFIG HELP."),
        (.invalidExpireTime(command: "set"), "ERR invalid expire time in 'set' command"),
        (.invalidExpireTime(command: "setex"), "ERR invalid expire time in 'setex' command"),
        (.dbIndexOutOfRange, "ERR DB index is out of range"),
        (.noSuchKey, "ERR no such key"),
        (.noProto, "NOPROTO unsupported protocol version"),
        (.commitFailed("disk I/O error"), "ERR write not committed: disk I/O error"),
        (.storage("database is locked"), "ERR storage error: database is locked"),
        (.custom("EXECABORT Transaction discarded because of previous errors."),
         "EXECABORT Transaction discarded because of previous errors."),
    ])
    func wireText(error: RedisError, text: String) {
        #expect(error.wireText == text)
    }

    @Test func everyWireTextStartsWithAnErrorCode() {
        let errors: [RedisError] = [
            .notInteger, .overflow, .notFloat, .nanOrInfinity, .wrongType, .syntax, .wrongArity(command: "x"),
            .unknownCommand(name: Array("x".utf8), arguments: []), .unknownSubcommand(command: "x", subcommand: Array("y".utf8)),
            .invalidExpireTime(command: "x"), .dbIndexOutOfRange, .noSuchKey, .commitFailed("r"), .storage("r"), .noProto,
        ]
        for error in errors {
            let code = error.wireText.prefix { $0 != " " }
            #expect(!code.isEmpty && code.allSatisfy { $0.isUppercase }, "\(error.wireText)")
            #expect(!error.wireText.contains("\r") && !error.wireText.contains("\n"))
        }
    }
}
