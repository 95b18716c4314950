import RESP
import Store
import Testing
@testable import RESPServer

/// `CommandTable.resolve`: the spec, or Redis 7.0's exact error text. Every
/// expected text was read from redis-server 7.0.15.
@Suite struct CommandResolutionTests {
    @Test(arguments: [
        (["get", "k"], Resolution.command("get")),
        (["GET", "k"], .command("get")),
        (["gEt", "k"], .command("get")),
        (["set", "k", "v", "EX", "10", "NX"], .command("set")),
        (["ping"], .command("ping")),
        (["incrbyfloat", "k", "1.5"], .command("incrbyfloat")),
        (["CLIENT", "SETNAME", "worker"], .command("client|setname")),
        (["client", "SetName", "worker"], .command("client|setname")),
        (["client", "id"], .command("client|id")),
        (["config", "get", "maxmemory"], .command("config|get")),
        (["CONFIG", "SET", "appendfsync", "no"], .command("config|set")),
        (["command"], .command("command")),
        (["command", "count"], .command("command|count")),
        (["COMMAND", "DOCS", "get"], .command("command|docs")),
    ])
    func resolvesKnownCommands(arguments: [String], expected: Resolution) {
        #expect(Resolution(arguments) == expected)
    }

    @Test(arguments: [
        (["get"], "ERR wrong number of arguments for 'get' command"),
        (["GET"], "ERR wrong number of arguments for 'get' command"),
        (["get", "a", "b"], "ERR wrong number of arguments for 'get' command"),
        (["set", "k"], "ERR wrong number of arguments for 'set' command"),
        (["incr"], "ERR wrong number of arguments for 'incr' command"),
        (["select"], "ERR wrong number of arguments for 'select' command"),
        (["client"], "ERR wrong number of arguments for 'client' command"),
        (["config"], "ERR wrong number of arguments for 'config' command"),
        (["client", "setname"], "ERR wrong number of arguments for 'client|setname' command"),
        (["CLIENT", "SETNAME"], "ERR wrong number of arguments for 'client|setname' command"),
        (["client", "setname", "a", "b"], "ERR wrong number of arguments for 'client|setname' command"),
        (["client", "id", "x"], "ERR wrong number of arguments for 'client|id' command"),
        (["config", "get"], "ERR wrong number of arguments for 'config|get' command"),
        (["command", "count", "x"], "ERR wrong number of arguments for 'command|count' command"),
    ])
    func wrongArity(arguments: [String], text: String) {
        #expect(Resolution(arguments) == .error(text))
    }

    @Test(arguments: [
        (["client", "foo"], "ERR unknown subcommand 'foo'. Try CLIENT HELP."),
        (["Client", "Foo", "bar"], "ERR unknown subcommand 'Foo'. Try CLIENT HELP."),
        (["config", "foo"], "ERR unknown subcommand 'foo'. Try CONFIG HELP."),
        (["command", "foo"], "ERR unknown subcommand 'foo'. Try COMMAND HELP."),
        (["client", "a b"], "ERR unknown subcommand 'a b'. Try CLIENT HELP."),
        (["client", String(repeating: "x", count: 200)],
         "ERR unknown subcommand '\(String(repeating: "x", count: 128))'. Try CLIENT HELP."),
    ])
    func unknownSubcommand(arguments: [String], text: String) {
        #expect(Resolution(arguments) == .error(text))
    }

    @Test func unknownSubcommandIsCutAt128BytesNotCharacters() {
        // Redis prints it with %.128s: 128 bytes are 64 two-byte characters.
        let text = Resolution(["client", String(repeating: "é", count: 100)])
        #expect(text == .error("ERR unknown subcommand '\(String(repeating: "é", count: 64))'. Try CLIENT HELP."))
    }

    @Test(arguments: ["client", "config", "command"])
    func containersHaveAHelpSubcommand(container: String) {
        // Redis's own error says "Try CLIENT HELP."; that must not answer the same error.
        #expect(Resolution([container, "help"]) == .command("\(container)|help"))
    }

    @Test(arguments: [
        (["foo", "bar"], "ERR unknown command 'foo', with args beginning with: 'bar' "),
        (["foo"], "ERR unknown command 'foo', with args beginning with: "),
        ([""], "ERR unknown command '', with args beginning with: "),
        (["FOO", "Bar", "baz"], "ERR unknown command 'FOO', with args beginning with: 'Bar' 'baz' "),
        (["foo", ""], "ERR unknown command 'foo', with args beginning with: '' "),
        (["foo", "a b", "c"], "ERR unknown command 'foo', with args beginning with: 'a b' 'c' "),
        (["getx", "k"], "ERR unknown command 'getx', with args beginning with: 'k' "),
        (["client|setname", "x"], "ERR unknown command 'client|setname', with args beginning with: 'x' "),
    ])
    func unknownCommand(arguments: [String], text: String) {
        #expect(Resolution(arguments) == .error(text))
    }

    private static func repeated(_ text: String, _ count: Int) -> String { String(repeating: text, count: count) }

    private static let prefix = "ERR unknown command 'foo', with args beginning with: "

    /// Redis 7.0's processCommand lists arguments while the list is under
    /// 128 bytes, each printed with `'%.*s' ` cut to what is left of the 128;
    /// the name is printed with `%.128s`.
    static let truncations: [([String], String)] = {
        let x100: String = repeated("x", 100), x124: String = repeated("x", 124), x125: String = repeated("x", 125)
        let x126: String = repeated("x", 126), x128: String = repeated("x", 128), x200: String = repeated("x", 200)
        var rows: [([String], String)] = []
        // Ten 13-byte entries reach 130 bytes: the eleventh is not listed.
        rows.append((["foo"] + Array(repeating: "abcdefghij", count: 20), prefix + repeated("'abcdefghij' ", 10)))
        rows.append((["foo", x100, repeated("y", 50), "z"], prefix + "'" + x100 + "' '" + repeated("y", 25) + "' "))
        rows.append((["foo", x200], prefix + "'" + x128 + "' "))
        rows.append((["foo", x125, "y"], prefix + "'" + x125 + "' "))
        rows.append((["foo", x126, "y"], prefix + "'" + x126 + "' "))
        rows.append((["foo", x124, "y", "z"], prefix + "'" + x124 + "' 'y' "))
        rows.append(([x200, "y"], "ERR unknown command '" + x128 + "', with args beginning with: 'y' "))
        rows.append(([repeated("é", 100)], "ERR unknown command '" + repeated("é", 64) + "', with args beginning with: "))
        return rows
    }()

    @Test(arguments: truncations)
    func unknownCommandIsTruncatedAsRedisDoes(arguments: [String], text: String) {
        #expect(Resolution(arguments) == .error(text))
    }

    @Test func unknownCommandCutInsideACharacterKeepsRedisBytes() throws {
        // 'x' then 100 'é': Redis's %.*s cuts after 128 bytes, inside the 64th é,
        // and sends the lone lead byte 0xC3.
        let result = CommandTable.resolve(Arguments(["foo", "x" + String(repeating: "é", count: 100)]))
        guard case .failure(let error) = result else {
            Issue.record("resolved an unknown command")
            return
        }
        let expected = Array("ERR unknown command 'foo', with args beginning with: 'x".utf8)
            + Array(String(repeating: "é", count: 63).utf8) + [0xC3] + Array("' ".utf8)
        #expect(error.wireBytes == expected)
    }

    @Test func newlinesInAnUnknownCommandBecomeSpacesOnTheWire() throws {
        let result = CommandTable.resolve(Arguments(["foo", "a\nb", "c\rd"]))
        guard case .failure(let error) = result else {
            Issue.record("resolved an unknown command")
            return
        }
        var encoder = ReplyEncoder()
        encoder.error(error.wireText)
        #expect(encoder.bytes == Array("-ERR unknown command 'foo', with args beginning with: 'a b' 'c d' \r\n".utf8))
    }

    @Test(arguments: [
        // Redis formats C strings: each argument ends at its first NUL byte.
        ([Array("foo".utf8), [0x61, 0x00, 0x62], Array("c".utf8)],
         "ERR unknown command 'foo', with args beginning with: 'a' 'c' "),
        ([[0x66, 0x6F, 0x00, 0x6F], Array("a".utf8)],
         "ERR unknown command 'fo', with args beginning with: 'a' "),
        ([Array("client".utf8), [0x61, 0x00, 0x62]],
         "ERR unknown subcommand 'a'. Try CLIENT HELP."),
    ])
    func errorTextsStopAtANulByteAsRedisDoes(parts: [[UInt8]], text: String) {
        #expect(Resolution(arguments(bytes: parts)) == .error(text))
    }

    @Test func invalidUTF8InAnUnknownCommandIsSentAsIs() throws {
        // Redis copies the argument's bytes into the error: `foo "a\xffb"` answers 'a\xffb'.
        let result = CommandTable.resolve(arguments(bytes: [Array("foo".utf8), [0x61, 0xFF, 0x62]]))
        guard case .failure(let error) = result else {
            Issue.record("resolved an unknown command")
            return
        }
        #expect(error.wireBytes
            == Array("ERR unknown command 'foo', with args beginning with: 'a".utf8) + [0xFF] + Array("b' ".utf8))
    }

    @Test func resolvingDoesNotDependOnCaseOfSubcommandOrContainer() {
        for (container, sub) in [("client", "getname"), ("config", "resetstat"), ("command", "count")] {
            let expected = Resolution([container, sub])
            #expect(expected == .command("\(container)|\(sub)"))
            #expect(Resolution([container.uppercased(), sub.uppercased()]) == expected)
        }
    }
}
