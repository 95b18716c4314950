import RESP
import Store

/// What a command may do, for the group commit, MULTI and COMMAND INFO.
package struct CommandFlags: OptionSet, Sendable {
    package let rawValue: UInt16
    package init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Writes the keyspace: runs inside the turn's write transaction.
    package static let write = CommandFlags(rawValue: 1 << 0)
    /// Reads the keyspace; its reply is withheld like a write's if the commit fails.
    package static let readonly = CommandFlags(rawValue: 1 << 1)
    /// Runs at once inside MULTI instead of being queued (EXEC, DISCARD, …).
    package static let noQueue = CommandFlags(rawValue: 1 << 2)
    /// May not be queued in MULTI (Redis's "no-multi").
    package static let noMulti = CommandFlags(rawValue: 1 << 3)
    package static let fast = CommandFlags(rawValue: 1 << 4)
    package static let admin = CommandFlags(rawValue: 1 << 5)
    package static let loading = CommandFlags(rawValue: 1 << 6)
    package static let stale = CommandFlags(rawValue: 1 << 7)
    /// Allowed before AUTH when a password is required.
    package static let noAuth = CommandFlags(rawValue: 1 << 8)
    /// Its keys are found from its arguments (a `numkeys` count), not fixed
    /// positions: COMMAND INFO reports keys (0, 0, 0) and this flag.
    package static let movableKeys = CommandFlags(rawValue: 1 << 9)

    /// Touches stored data, so its reply depends on the turn's commit.
    var accessesData: Bool { !isDisjoint(with: [.write, .readonly]) }

    /// Redis's flag names, for COMMAND INFO.
    var names: [String] {
        var names: [String] = []
        if contains(.write) { names.append("write") }
        if contains(.readonly) { names.append("readonly") }
        if contains(.admin) { names.append("admin") }
        if contains(.noMulti) { names.append("no_multi") }
        if contains(.loading) { names.append("loading") }
        if contains(.stale) { names.append("stale") }
        if contains(.fast) { names.append("fast") }
        if contains(.noAuth) { names.append("no_auth") }
        if contains(.movableKeys) { names.append("movablekeys") }
        return names
    }
}

/// Runs one command; writes its reply to `context.client.reply`, or throws a
/// Redis error that becomes the reply.
package typealias CommandHandler = @Sendable (inout CommandContext) throws -> Void

/// One entry of the command table.
package struct CommandSpec: Sendable {
    /// The lowercase name (`get`, or `setname` for a subcommand).
    package let name: String
    /// Redis arity: N means exactly N arguments including the name, -N at least N.
    package let arity: Int
    package let flags: CommandFlags
    /// Key positions, as COMMAND INFO reports them (0 when no keys).
    package let firstKey: Int
    package let lastKey: Int
    package let keyStep: Int
    /// The Redis command group (`string`, `generic`, `connection`, `server`, `transactions`).
    package let group: String
    package let summary: String
    package let since: String
    package let handler: CommandHandler?
    package let subcommands: [CommandSpec]
    /// The container's name for a subcommand (`client`), nil otherwise.
    package var container: String?

    package init(_ name: String, arity: Int, flags: CommandFlags = [], keys: (Int, Int, Int) = (0, 0, 0),
                 group: String, since: String = "1.0.0", summary: String,
                 subcommands: [CommandSpec] = [], handler: CommandHandler? = nil) {
        self.name = name
        self.arity = arity
        self.flags = flags
        (firstKey, lastKey, keyStep) = keys
        self.group = group
        self.summary = summary
        self.since = since
        self.handler = handler
        self.subcommands = subcommands.map { var sub = $0; sub.container = name; return sub }
    }

    /// `get`, or `client|setname` for a subcommand: the name Redis puts in errors.
    package var fullName: String { container.map { "\($0)|\(name)" } ?? name }

    /// True when `count` arguments (the name included) satisfy the arity.
    package func accepts(argumentCount count: Int) -> Bool {
        arity >= 0 ? count == arity : count >= -arity
    }

    /// The subcommand named by argument 1, if this is a container.
    func subcommand(named bytes: ArraySlice<UInt8>) -> CommandSpec? {
        let name = CommandName(bytes)
        return subcommands.first { CommandName($0.name) == name }
    }
}
