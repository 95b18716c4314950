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
        c.client.transaction = nil
        c.client.transactionDirty = false
        c.client.reply.simpleString("OK")
    }

    static func exec(_ c: inout CommandContext) throws {
        guard let queued = c.client.transaction else { throw RedisError.custom("ERR EXEC without MULTI") }
        let dirty = c.client.transactionDirty
        c.client.transaction = nil
        c.client.transactionDirty = false
        if dirty { throw RedisError.custom("EXECABORT Transaction discarded because of previous errors.") }
        c.client.reply.arrayHeader(queued.count)
        for command in queued {
            c.server.execute(command.spec, arguments: command.arguments, for: c.client)
        }
    }
}
