import EventLoop
import RESP
import Store

/// Connection commands, as Redis's networking.c and server.c.
enum ConnectionCommands {
    static func ping(_ c: inout CommandContext) throws {
        guard c.count <= 2 else { throw RedisError.wrongArity(command: c.spec.fullName) }
        if c.count == 2 { c.client.reply.bulk(c.arguments[1]) } else { c.client.reply.simpleString("PONG") }
    }

    static func echo(_ c: inout CommandContext) throws {
        c.client.reply.bulk(c.arguments[1])
    }

    static func quit(_ c: inout CommandContext) throws {
        c.client.reply.simpleString("OK")
        c.client.closeAfterReply = true
    }

    static func select(_ c: inout CommandContext) throws {
        let index = try c.integer(1, in: Int64(Int32.min)...Int64(Int32.max))
        guard index >= 0, index < Int64(c.server.configuration.databases) else { throw RedisError.dbIndexOutOfRange }
        c.client.db = Int(index)
        c.client.reply.simpleString("OK")
    }

    /// HELLO [protover [AUTH username password] [SETNAME name]]
    static func hello(_ c: inout CommandContext) throws {
        var version: ProtocolVersion? = nil
        var index = 1
        if c.count >= 2 {
            guard let requested = c.arguments.withBytes(1, { RedisInteger.parse($0) }) else {
                throw RedisError.custom("ERR Protocol version is not an integer or out of range")
            }
            guard requested == 2 || requested == 3 else { throw RedisError.noProto }
            version = requested == 2 ? .resp2 : .resp3
            index = 2
        }
        var name: String? = nil
        var credentials: (ArraySlice<UInt8>, ArraySlice<UInt8>)? = nil
        while index < c.count {
            let more = c.count - 1 - index
            if c.isOption(index, "auth") && more >= 2 {
                credentials = (c.arguments[index + 1], c.arguments[index + 2])
                index += 3
            } else if c.isOption(index, "setname") && more >= 1 {
                name = try validatedName(c.arguments[index + 1])
                index += 2
            } else {
                throw RedisError.custom("ERR Syntax error in HELLO option '\(c.string(index))'")
            }
        }
        if let (user, password) = credentials {
            try c.server.authenticate(c.client, user: user, password: password)
        }
        if c.server.requiresAuthentication(c.client) {
            throw RedisError.custom("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
        }
        if let name { c.client.name = name }
        if let version { c.client.protocolVersion = version }
        c.client.reply.mapHeader(7)
        c.client.reply.bulk("server"); c.client.reply.bulk("redis")
        c.client.reply.bulk("version"); c.client.reply.bulk(ServerInfo.redisVersion)
        c.client.reply.bulk("proto"); c.client.reply.integer(Int64(c.client.protocolVersion.rawValue))
        c.client.reply.bulk("id"); c.client.reply.integer(c.client.id)
        c.client.reply.bulk("mode"); c.client.reply.bulk("standalone")
        c.client.reply.bulk("role"); c.client.reply.bulk("master")
        c.client.reply.bulk("modules"); c.client.reply.arrayHeader(0)
    }

    /// Client names may not hold spaces, newlines or other special characters.
    static func validatedName(_ bytes: ArraySlice<UInt8>) throws(RedisError) -> String {
        guard bytes.allSatisfy({ $0 >= UInt8(ascii: "!") && $0 <= UInt8(ascii: "~") }) else {
            throw .custom("ERR Client names cannot contain spaces, newlines or special characters.")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RESET: back to a new connection's state.
    static func reset(_ c: inout CommandContext) throws {
        c.client.transaction = nil
        c.client.transactionDirty = false
        c.server.unwatchAll(c.client)
        c.client.db = 0
        c.client.name = ""
        c.client.protocolVersion = .resp2
        // As Redis: RESET signs the client out when a password is required.
        if c.server.configuration.requirePass != nil {
            c.client.authenticated = false
            c.client.parser.limits.unauthenticated = true
        }
        c.client.reply.simpleString("RESET")
    }
}

/// CLIENT subcommands.
enum ClientCommands {
    static func id(_ c: inout CommandContext) throws { c.client.reply.integer(c.client.id) }

    static func setname(_ c: inout CommandContext) throws {
        c.client.name = try ConnectionCommands.validatedName(c.arguments[2])
        c.client.reply.simpleString("OK")
    }

    static func getname(_ c: inout CommandContext) throws {
        if c.client.name.isEmpty { c.client.reply.null() } else { c.client.reply.bulk(c.client.name) }
    }

    /// CLIENT SETINFO LIB-NAME|LIB-VER value (sent by current redis-py).
    static func setinfo(_ c: inout CommandContext) throws {
        let value = c.arguments[3]
        guard value.allSatisfy({ $0 >= UInt8(ascii: "!") && $0 <= UInt8(ascii: "~") }) else {
            throw RedisError.custom("ERR \(c.string(2).lowercased()) cannot contain spaces, newlines or special characters.")
        }
        if c.isOption(2, "lib-name") {
            c.client.libraryName = String(decoding: value, as: UTF8.self)
        } else if c.isOption(2, "lib-ver") {
            c.client.libraryVersion = String(decoding: value, as: UTF8.self)
        } else {
            throw RedisError.custom("ERR Unrecognized option '\(c.string(2))'")
        }
        c.client.reply.simpleString("OK")
    }

    static func info(_ c: inout CommandContext) throws {
        c.client.reply.verbatim(c.server.describe(c.client, now: c.now) + "\n")
    }

    /// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id ...]
    static func list(_ c: inout CommandContext) throws {
        var ids: Set<Int64>? = nil
        var index = 2
        while index < c.count {
            if c.isOption(index, "type") && index + 1 < c.count {
                let type = c.string(index + 1).lowercased()
                guard ["normal", "master", "replica", "slave", "pubsub"].contains(type) else {
                    throw RedisError.custom("ERR Unknown client type '\(c.string(index + 1))'")
                }
                // Every Tally client is a normal one.
                if type != "normal" { ids = [] }
                index += 2
            } else if c.isOption(index, "id") && index + 1 < c.count {
                var wanted = ids ?? []
                index += 1
                while index < c.count {
                    // Any integer is accepted (0 simply matches nobody), as in Redis.
                    guard let id = c.arguments.withBytes(index, { RedisInteger.parse($0) }) else {
                        throw RedisError.custom("ERR Invalid client ID")
                    }
                    wanted.insert(id)
                    index += 1
                }
                ids = wanted
            } else {
                throw RedisError.syntax
            }
        }
        let lines = c.server.clientsByID()
            .filter { ids?.contains($0.id) ?? true }
            .map { c.server.describe($0, now: c.now) + "\n" }
        c.client.reply.verbatim(lines.joined())
    }

    /// CLIENT KILL ip:port, or CLIENT KILL [ID id] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no]
    static func kill(_ c: inout CommandContext) throws {
        if c.count == 3 {
            let address = c.string(2)
            guard let target = c.server.clientsByID().first(where: { $0.peer.description == address }) else {
                throw RedisError.custom("ERR No such client")
            }
            c.server.kill(target, by: c.client)
            c.client.reply.simpleString("OK")
            return
        }
        var id: Int64? = nil, address: String? = nil, local: String? = nil, skipMe = true
        var index = 2
        while index < c.count {
            guard index + 1 < c.count else { throw RedisError.syntax }
            if c.isOption(index, "id") {
                guard let value = c.arguments.withBytes(index + 1, { RedisInteger.parse($0) }), value > 0 else {
                    throw RedisError.custom("ERR client-id should be greater than 0")
                }
                id = value
            } else if c.isOption(index, "addr") {
                address = c.string(index + 1)
            } else if c.isOption(index, "laddr") {
                local = c.string(index + 1)
            } else if c.isOption(index, "skipme") {
                if c.isOption(index + 1, "yes") { skipMe = true } else if c.isOption(index + 1, "no") { skipMe = false } else { throw RedisError.syntax }
            } else {
                throw RedisError.syntax
            }
            index += 2
        }
        let targets = c.server.clientsByID().filter { client in
            (id == nil || client.id == id) && (address == nil || client.peer.description == address)
                && (local == nil || client.local.description == local) && !(skipMe && client === c.client)
        }
        for target in targets { c.server.kill(target, by: c.client) }
        c.client.reply.integer(Int64(targets.count))
    }

    static func noEvict(_ c: inout CommandContext) throws {
        guard c.isOption(2, "on") || c.isOption(2, "off") else { throw RedisError.syntax }
        c.client.reply.simpleString("OK")
    }
}

extension Server {
    /// Every open client, oldest first.
    func clientsByID() -> [Client] {
        clients.values.filter { !$0.isClosed }.sorted { $0.id < $1.id }
    }

    /// Closes `target`; the calling client itself closes after its reply.
    func kill(_ target: Client, by caller: Client) {
        if target === caller { caller.closeAfterReply = true } else { close(target) }
    }

    /// One CLIENT LIST line, with Redis 7's fields.
    func describe(_ client: Client, now: Int64) -> String {
        let age = (now - client.createdAt) / 1000
        let idle = (now - client.lastInteraction) / 1000
        let flags = client.transaction != nil ? "x" : "N"
        let multi = client.transaction.map { String($0.count) } ?? "-1"
        let queryBuffer = client.input.count - client.readOffset
        let output = client.reply.bytes.count - client.sentOffset
        return "id=\(client.id) addr=\(client.peer) laddr=\(client.local) fd=\(client.fd) name=\(client.name) "
            + "age=\(age) idle=\(idle) flags=\(flags) db=\(client.db) sub=0 psub=0 ssub=0 multi=\(multi) "
            + "qbuf=\(queryBuffer) qbuf-free=\(max(0, client.input.capacity - client.input.count)) argv-mem=0 "
            + "multi-mem=0 rbs=\(client.input.capacity) rbp=\(client.input.count) obl=0 oll=0 omem=\(output) "
            + "tot-mem=\(client.input.capacity + client.reply.bytes.capacity) events=\(client.wantsWrite ? "rw" : "r") "
            + "cmd=\(client.lastCommand) user=default redir=-1 resp=\(client.protocolVersion.rawValue) "
            + "lib-name=\(client.libraryName) lib-ver=\(client.libraryVersion)"
    }
}
