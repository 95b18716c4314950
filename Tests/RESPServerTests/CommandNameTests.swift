import Testing
@testable import RESPServer

/// Command names fold ASCII letters only, as Redis's case-insensitive
/// command dictionary (strcasecmp in the C locale) does.
@Suite struct CommandNameTests {
    @Test(arguments: [
        ("get", "GET"),
        ("gEt", "GeT"),
        ("client", "CLIENT"),
        ("no-evict", "NO-EVICT"),
        ("incrbyfloat", "IncrByFloat"),
        ("abcdefghijklmnopqrstuvwx", "ABCDEFGHIJKLMNOPQRSTUVWX"),
        ("a1_b2-c3", "A1_B2-C3"),
        ("", ""),
    ])
    func equalIgnoringASCIICase(a: String, b: String) {
        #expect(CommandName(a) == CommandName(b))
        #expect(Set([CommandName(a), CommandName(b)]).count == 1)
        #expect(CommandName(Array(a.utf8)) == CommandName(b))
    }

    private static func b(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let distinct: [([UInt8], [UInt8])] = [
        (b("get"), b("gets")),
        (b("get"), b("ge")),
        (b("get"), b("get") + [0]),
        (b("get"), b("teg")),
        (b("["), b("{")),                   // 0x5B and 0x7B differ only in bit 0x20
        (b("@"), b("`")),
        (b("\\"), b("|")),
        (b("]"), b("}")),
        (b("^"), b("~")),
        (b("_"), [0x7F]),
        ([0xC3], [0xE3]),                   // bytes past ASCII are not folded
        ([0xC9], [0xE9]),
        (b("abcdefghijklmnopqrstuvwx"), b("abcdefghijklmnopqrstuvwy")),  // the 24th byte
        (b("abcdefghXjklmnop"), b("abcdefghYjklmnop")),                  // the 9th
        (b("abcdefghijklmnopQrst"), b("abcdefghijklmnopRrst")),          // the 17th
        ([0x00], []),
    ]

    @Test(arguments: distinct)
    func distinctNames(a: [UInt8], b: [UInt8]) {
        #expect(CommandName(a) != CommandName(b))
    }

    @Test func namesUpTo24BytesFit() {
        #expect(!CommandName(String(repeating: "a", count: 24)).isTooLong)
        #expect(CommandName(String(repeating: "a", count: 25)).isTooLong)
        #expect(CommandName(String(repeating: "a", count: 1000)).isTooLong)
        #expect(CommandName.capacity == 24)
    }

    @Test func tooLongNamesNeverMatchACommand() {
        let long = String(repeating: "get", count: 9)
        #expect(CommandName(long) != CommandName("get"))
        #expect(CommandTable.lookup(Array(long.utf8)[...]) == nil)
        // 25 bytes that start with a real command's name.
        #expect(CommandTable.lookup(Array(("incrbyfloat" + String(repeating: " ", count: 14)).utf8)[...]) == nil)
        #expect(Resolution([long, "k"])
            == .error("ERR unknown command '\(long)', with args beginning with: 'k' "))
    }
}
