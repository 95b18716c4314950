import RESP
import Store

/// MULTI/EXEC/DISCARD, as Redis's multi.c: queue-time errors abort EXEC;
/// a command failing at run time does not stop the others, and nothing
/// rolls back. EXEC runs inside the turn's one write transaction, so the
/// queued commands are atomic for other clients and on disk.
enum TransactionCommands {
    static func multi(_ c: inout CommandContext) throws {
        guard c.client.transaction == nil else { throw RedisError.custom("ERR MULTI calls can not be nested") }
        c.client.transaction = []
        c.client.transactionDirty = false
        c.client.reply.simpleString("OK")
    }

    static func discard(_ c: inout CommandContext) throws {
        guard c.client.transaction != nil else { throw RedisError.custom("ERR DISCARD without MULTI") }
        c.server.unwatchAll(c.client)
        c.client.transaction = nil
        c.client.transactionDirty = false
        c.client.reply.simpleString("OK")
    }

    static func exec(_ c: inout CommandContext) throws {
        guard let queued = c.client.transaction else { throw RedisError.custom("ERR EXEC without MULTI") }
        let dirty = c.client.transactionDirty
        let changed = try c.server.watchedKeysChanged(for: c.client, now: c.now)
        c.client.transaction = nil
        c.client.transactionDirty = false
        // EXEC always ends the WATCH, whatever its outcome.
        if !c.client.watched.isEmpty || c.client.watchDirty { c.server.unwatchAll(c.client) }
        if dirty { throw RedisError.custom("EXECABORT Transaction discarded because of previous errors.") }
        if changed {
            c.client.reply.nullArray()
            return
        }
        c.client.reply.arrayHeader(queued.count)
        c.server.executingTransaction = true
        defer { c.server.executingTransaction = false }
        for command in queued {
            c.server.execute(command.spec, arguments: command.arguments, for: c.client)
        }
    }
}

/// WATCH and UNWATCH.
extension TransactionCommands {
    static func watch(_ c: inout CommandContext) throws {
        guard c.client.transaction == nil else { throw RedisError.custom("ERR WATCH inside MULTI is not allowed") }
        for index in 1..<c.count {
            let live = try c.with(index) { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) } != nil
            c.server.watch(WatchedKey(db: c.db, key: c.bytes(index)), for: c.client, isLive: live)
        }
        c.client.reply.simpleString("OK")
    }

    static func unwatch(_ c: inout CommandContext) throws {
        c.server.unwatchAll(c.client)
        c.client.reply.simpleString("OK")
    }
}
