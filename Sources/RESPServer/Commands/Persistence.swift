import EventLoop
import RESP
import Store

/// SAVE, BGSAVE, LASTSAVE, SHUTDOWN and WAIT. Every acknowledged write is
/// already in SQLite's WAL; "saving" folds the WAL into the main file.
enum PersistenceCommands {
    /// SAVE: commits what this turn wrote so far, then checkpoints the WAL
    /// into the database file and truncates it.
    static func save(_ c: inout CommandContext) throws {
        try c.server.checkpoint(mode: "TRUNCATE")
        c.client.reply.simpleString("OK")
    }

    /// BGSAVE [SCHEDULE]: a passive checkpoint, which never waits for readers.
    static func bgsave(_ c: inout CommandContext) throws {
        guard c.count == 1 || (c.count == 2 && c.isOption(1, "schedule")) else { throw RedisError.syntax }
        try c.server.checkpoint(mode: "PASSIVE")
        c.client.reply.simpleString("Background saving started")
    }

    static func lastsave(_ c: inout CommandContext) throws {
        c.client.reply.integer(c.server.lastSave)
    }

    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] | SHUTDOWN ABORT: stops as on
    /// SIGTERM (the turn's replies are sent, the WAL is checkpointed).
    static func shutdown(_ c: inout CommandContext) throws {
        var abort = false, save = false, nosave = false
        for index in 1..<max(1, c.count) {
            if c.isOption(index, "nosave") { nosave = true }
            else if c.isOption(index, "save") { save = true }
            else if c.isOption(index, "now") || c.isOption(index, "force") {}
            else if c.isOption(index, "abort") { abort = true }
            else { throw RedisError.syntax }
        }
        if (abort && c.count > 2) || (save && nosave) { throw RedisError.syntax }
        if abort { throw RedisError.custom("ERR No shutdown in progress.") }
        c.server.logger.info("shutdown requested", ["client": c.client.peer.description])
        c.client.closeAfterReply = true
        c.server.requestShutdown()
    }

    /// WAIT numreplicas timeout: Tally has no replicas, so 0 at once.
    static func wait(_ c: inout CommandContext) throws {
        _ = try c.integer(1)
        let timeout = try c.integer(2, in: Int64.min...Int64.max, message: "timeout is not an integer or out of range")
        guard timeout >= 0 else { throw RedisError.custom("ERR timeout is negative") }
        c.client.reply.integer(0)
    }
}

extension Server {
    /// Commits the open write transaction early (its replies still wait for
    /// the end of the turn), then runs `PRAGMA wal_checkpoint(mode)`.
    func checkpoint(mode: String) throws(RedisError) {
        if keyspace.inTransaction && !keyspace.isWriteTransaction {
            if (try? keyspace.commit()) == nil { keyspace.rollback() }
        }
        if keyspace.inTransaction {
            do { try keyspace.commit() } catch {
                keyspace.rollback()
                turnRolledBack = true
                throw .storage(error.message)
            }
            stats.commits += 1
            stats.committedCommands += commandsInTransaction
            commandsInTransaction = 0
        }
        do { try keyspace.database.execute("PRAGMA wal_checkpoint(\(mode))") } catch { throw .storage(error.message) }
        lastSave = EventLoop.wallClockMilliseconds() / 1000
    }

    func requestShutdown() {
        loop.stop()
    }
}
