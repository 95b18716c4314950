import RESP
import Store

/// COMMAND and its subcommands, built from the one command table.
enum IntrospectionCommands {
    /// COMMAND: every command's info.
    static func command(_ c: inout CommandContext) throws {
        c.client.reply.arrayHeader(CommandTable.all.count)
        for spec in CommandTable.all { writeInfo(&c, spec) }
    }

    static func count(_ c: inout CommandContext) throws {
        c.client.reply.integer(Int64(CommandTable.all.count))
    }

    /// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
    static func list(_ c: inout CommandContext) throws {
        var names = CommandTable.all.flatMap { spec in [spec.name] + spec.subcommands.map(\.fullName) }
        if c.count > 2 {
            guard c.count == 5, c.isOption(2, "filterby") else { throw RedisError.syntax }
            let value = c.string(4)
            if c.isOption(3, "module") {
                names = []
            } else if c.isOption(3, "aclcat") {
                let category = "@" + value.lowercased()
                names = CommandTable.all.flatMap { [$0] + $0.subcommands }
                    .filter { categories(of: $0).contains(category) }.map(\.fullName)
            } else if c.isOption(3, "pattern") {
                let pattern = Array(value.utf8)
                names = names.filter { Glob.matches(pattern: pattern, Array($0.utf8)) }
            } else {
                throw RedisError.syntax
            }
        }
        c.client.reply.arrayHeader(names.count)
        for name in names { c.client.reply.bulk(name) }
    }

    /// Redis's ACL categories for a command: its group, and read/write/fast.
    static func categories(of spec: CommandSpec) -> [String] {
        var categories = ["@\(spec.group == "generic" ? "keyspace" : spec.group)"]
        if spec.flags.contains(.write) { categories.append("@write") }
        if spec.flags.contains(.readonly) { categories.append("@read") }
        if spec.flags.contains(.fast) { categories.append("@fast") }
        return categories
    }

    /// COMMAND INFO [name ...]: null for names Tally does not know.
    static func info(_ c: inout CommandContext) throws {
        guard c.count > 2 else { return try command(&c) }
        c.client.reply.arrayHeader(c.count - 2)
        for index in 2..<c.count {
            if let spec = CommandTable.lookup(c.arguments[index]) { writeInfo(&c, spec) } else { c.client.reply.null() }
        }
    }

    /// COMMAND DOCS [name ...]: a map from name to its summary, since and group.
    static func docs(_ c: inout CommandContext) throws {
        let specs = c.count > 2 ? (2..<c.count).compactMap { CommandTable.lookup(c.arguments[$0]) } : CommandTable.all
        c.client.reply.mapHeader(specs.count)
        for spec in specs { writeDocs(&c, spec) }
    }

    private static func writeDocs(_ c: inout CommandContext, _ spec: CommandSpec) {
        c.client.reply.bulk(spec.fullName)
        c.client.reply.mapHeader(spec.subcommands.isEmpty ? 3 : 4)
        c.client.reply.bulk("summary"); c.client.reply.bulk(spec.summary)
        c.client.reply.bulk("since"); c.client.reply.bulk(spec.since)
        c.client.reply.bulk("group"); c.client.reply.bulk(spec.group)
        if !spec.subcommands.isEmpty {
            c.client.reply.bulk("subcommands")
            c.client.reply.mapHeader(spec.subcommands.count)
            for sub in spec.subcommands { writeDocs(&c, sub) }
        }
    }

    /// Redis 7's ten-field entry: name, arity, flags, first/last key, step,
    /// ACL categories, tips, key specs, subcommands.
    private static func writeInfo(_ c: inout CommandContext, _ spec: CommandSpec) {
        c.client.reply.arrayHeader(10)
        c.client.reply.bulk(spec.fullName)
        c.client.reply.integer(Int64(spec.arity))
        let flags = spec.flags.names
        c.client.reply.setHeader(flags.count)
        for flag in flags { c.client.reply.simpleString(flag) }
        c.client.reply.integer(Int64(spec.firstKey))
        c.client.reply.integer(Int64(spec.lastKey))
        c.client.reply.integer(Int64(spec.keyStep))
        let categories = categories(of: spec)
        c.client.reply.setHeader(categories.count)
        for category in categories { c.client.reply.simpleString(category) }
        c.client.reply.setHeader(0)
        c.client.reply.arrayHeader(0)
        c.client.reply.arrayHeader(spec.subcommands.count)
        for sub in spec.subcommands { writeInfo(&c, sub) }
    }
}

/// `CLIENT HELP`, `CONFIG HELP`, …: Redis's help layout, built from the table.
enum HelpCommand {
    static func help(_ c: inout CommandContext) throws {
        let container = c.spec.container.flatMap { CommandTable.lookup(ArraySlice($0.utf8)) }
        let subcommands = (container?.subcommands ?? []).filter { $0.name != "help" }
        c.client.reply.arrayHeader(1 + subcommands.count * 2 + 2)
        c.client.reply.simpleString("\(c.string(0).uppercased()) <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
        for sub in subcommands {
            c.client.reply.simpleString(sub.name.uppercased())
            c.client.reply.simpleString("    \(sub.summary)")
        }
        c.client.reply.simpleString("HELP")
        c.client.reply.simpleString("    Print this help.")
    }
}
