import Testing
@testable import RESP

@Suite struct ArgumentsTests {
    @Test func appendsFromEachSource() {
        var arguments = Arguments()
        #expect(arguments.isEmpty && arguments.count == 0)
        arguments.append(contentsOf: bytes("SET"))
        bytes("key").withUnsafeBytes { arguments.append($0) }
        arguments.append(contentsOf: [UInt8]())
        arguments.append(contentsOf: "välue".utf8)
        #expect(arguments.count == 4)
        #expect(Array(arguments[0]) == bytes("SET"))
        #expect(Array(arguments[1]) == bytes("key"))
        #expect(arguments[2].isEmpty)
        #expect(arguments.string(3) == "välue")
        #expect(arguments.withBytes(1) { Array($0) } == bytes("key"))
        #expect(arguments.withBytes(2) { $0.count } == 0)
    }

    @Test func stringDecodingIsLossy() {
        var arguments = Arguments()
        arguments.append(contentsOf: [0x61, 0xFF, 0x62])
        #expect(arguments.string(0) == "a\u{FFFD}b")
    }

    @Test func removeAllEmptiesForReuse() {
        var arguments = Arguments(["GET", "k"])
        arguments.removeAll()
        #expect(arguments.isEmpty)
        arguments.append(contentsOf: bytes("PING"))
        #expect(arguments == Arguments(["PING"]))
        #expect(arguments.description == "[\"PING\"]")
    }

    @Test func matchesOptionNamesIgnoringASCIICase() {
        let arguments = Arguments(["NX", "nx", "Ex", "nxx", "", "X", "É"])
        #expect(arguments.equalsIgnoringASCIICase(0, "nx"))
        #expect(arguments.equalsIgnoringASCIICase(1, "nx"))
        #expect(arguments.equalsIgnoringASCIICase(2, "ex"))
        #expect(!arguments.equalsIgnoringASCIICase(2, "nx"))
        #expect(!arguments.equalsIgnoringASCIICase(3, "nx"))
        #expect(!arguments.equalsIgnoringASCIICase(0, "nxx"))
        #expect(arguments.equalsIgnoringASCIICase(4, ""))
        #expect(arguments.equalsIgnoringASCIICase(5, "x"))
        // Only ASCII letters fold, as strcasecmp in the C locale.
        #expect(!arguments.equalsIgnoringASCIICase(6, "é"))
    }
}
