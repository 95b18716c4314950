import RESP
import Store
import Testing
@testable import RESPServer

/// The one command table: names, arities, flags and key positions as Redis has them.
@Suite struct CommandTableTests {
    @Test func namesAreLowercaseASCIIAndUnique() {
        let topLevel = CommandTable.all.map(\.name)
        #expect(Set(topLevel).count == topLevel.count, "duplicate command names")
        for spec in allSpecs {
            #expect(!spec.name.isEmpty)
            #expect(spec.name == spec.name.lowercased(), "\(spec.fullName) is not lowercase")
            #expect(spec.name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "|") }, "\(spec.fullName)")
        }
        for container in CommandTable.all where !container.subcommands.isEmpty {
            let names = container.subcommands.map(\.name)
            #expect(Set(names).count == names.count, "duplicate subcommands of \(container.name)")
        }
        let fullNames = allSpecs.map(\.fullName)
        #expect(Set(fullNames).count == fullNames.count)
    }

    @Test func namesFitACommandName() {
        // CommandName packs 24 bytes; a longer name in the table could never be looked up.
        for spec in allSpecs { #expect(spec.name.utf8.count <= CommandName.capacity, "\(spec.fullName)") }
    }

    @Test func aritiesAreNonZero() {
        for spec in allSpecs { #expect(spec.arity != 0, "\(spec.fullName)") }
    }

    @Test func everyLeafHasAHandlerAndEveryContainerHasSubcommands() {
        for spec in allSpecs {
            #expect(spec.handler != nil || !spec.subcommands.isEmpty, "\(spec.fullName) can neither run nor dispatch")
        }
    }

    @Test func subcommandsKnowTheirContainer() throws {
        for spec in CommandTable.all {
            #expect(spec.container == nil)
            #expect(spec.fullName == spec.name)
            for sub in spec.subcommands {
                #expect(sub.container == spec.name)
                #expect(sub.fullName == "\(spec.name)|\(sub.name)")
                #expect(sub.subcommands.isEmpty, "Redis has one level of subcommands")
            }
        }
        let client = try #require(CommandTable.lookup(Array("client".utf8)[...]))
        let setname = try #require(client.subcommands.first { $0.name == "setname" })
        #expect(setname.fullName == "client|setname")
    }

    @Test(arguments: allSpecs.map(\.fullName))
    func agreesWithRedis(fullName: String) throws {
        let spec = try #require(allSpecs.first { $0.fullName == fullName })
        let reference = try #require(RedisCommandReference.commands[fullName], "Redis has no command \(fullName)")
        #expect(spec.arity == reference.arity)
        #expect(spec.firstKey == reference.keys.0)
        #expect(spec.lastKey == reference.keys.1)
        #expect(spec.keyStep == reference.keys.2)
        #expect(spec.flags.contains(.write) == (reference.access == .write))
        #expect(spec.flags.contains(.readonly) == (reference.access == .readonly))
    }

    @Test func writeCommandsNameTheirKeys() {
        for spec in allSpecs where spec.flags.contains(.write) {
            // FLUSHDB and FLUSHALL write without naming keys, as in Redis.
            guard !["flushdb", "flushall"].contains(spec.fullName) else {
                #expect(spec.firstKey == 0)
                continue
            }
            // LMPOP and ZMPOP find their keys from a numkeys argument: Redis
            // reports no fixed positions and the movablekeys flag instead.
            guard !spec.flags.contains(.movableKeys) || spec.firstKey != 0 else {
                #expect(spec.lastKey == 0 && spec.keyStep == 0, "\(spec.fullName)")
                continue
            }
            #expect(spec.firstKey >= 1, "\(spec.fullName)")
            #expect(spec.keyStep >= 1, "\(spec.fullName)")
            #expect(spec.lastKey == -1 || spec.lastKey >= spec.firstKey, "\(spec.fullName)")
        }
    }

    @Test func noCommandIsBothWriteAndReadonly() {
        for spec in allSpecs { #expect(!spec.flags.isSuperset(of: [.write, .readonly]), "\(spec.fullName)") }
    }

    @Test(arguments: CommandTable.all.map(\.name))
    func lookupIgnoresCase(name: String) throws {
        let lower = try #require(CommandTable.lookup(Array(name.utf8)[...]))
        let upper = try #require(CommandTable.lookup(Array(name.uppercased().utf8)[...]))
        #expect(lower.name == name)
        #expect(upper.name == name)
    }

    @Test func lookupFindsOnlyTopLevelCommands() {
        #expect(CommandTable.lookup(Array("setname".utf8)[...]) == nil)
        #expect(CommandTable.lookup(Array("client|setname".utf8)[...]) == nil)
        #expect(CommandTable.lookup(Array("".utf8)[...]) == nil)
        #expect(CommandTable.lookup(Array("get ".utf8)[...]) == nil)
    }

    @Test(arguments: [
        (2, true), (1, false), (3, false),
    ])
    func fixedArityAcceptsExactlyThatCount(count: Int, accepted: Bool) throws {
        let get = try #require(CommandTable.lookup(Array("get".utf8)[...]))
        #expect(get.accepts(argumentCount: count) == accepted)
    }

    @Test(arguments: [
        (2, false), (3, true), (4, true), (100, true),
    ])
    func negativeArityAcceptsAtLeastThatCount(count: Int, accepted: Bool) throws {
        let set = try #require(CommandTable.lookup(Array("set".utf8)[...]))
        #expect(set.accepts(argumentCount: count) == accepted)
    }
}
