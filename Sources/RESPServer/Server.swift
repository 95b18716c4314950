import Logging
import EventLoop
import RESP
import Store
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// tally-server: one loop thread owns the sockets and the single SQLite
/// write connection. Each turn executes every complete command from every
/// client inside one write transaction, commits, and only then sends the
/// replies (group commit): no reply leaves before what it acknowledges is
/// stored.
package final class Server {
    package var configuration: ServerConfiguration
    package var logger: Logger
    package let loop: EventLoop
    package let keyspace: Keyspace
    private(set) var listener: TCPListener?
    package let startedAt: Int64

    var clients: [Int32: Client] = [:]
    /// Clients with input this turn, in the order it arrived.
    var pending: [Client] = []
    var nextClientID: Int64 = 1
    /// SLOWLOG entries, newest first, and the next entry's id.
    var slowlog: [SlowlogEntry] = []
    var nextSlowlogID: Int64 = 0
    /// MONITOR clients, and when the WAL was last checkpointed (LASTSAVE).
    var monitors: [Client] = []
    package var lastSave: Int64 = EventLoop.wallClockMilliseconds() / 1000
    /// Clients watching each key (WATCH).
    var watchers: [WatchedKey: [Client]] = [:]
    package var stats = ServerStats()
    /// Commands executed inside the open write transaction.
    var commandsInTransaction: Int64 = 0
    /// Commands per second over the last 1.6 s, sampled every 100 ms as Redis does.
    private var operationSamples = [Int64](repeating: 0, count: 16)
    private var sampleIndex = 0
    private var lastSampledCommands: Int64 = 0
    package var operationsPerSecond: Int64 { operationSamples.reduce(0, +) / Int64(operationSamples.count) }
    /// True while EXEC runs its queued commands.
    var executingTransaction = false
    /// Set when SQLite rolled back the turn's transaction during a command.
    var turnRolledBack = false

    /// Opens the database and binds the listening socket; errors are one line.
    package init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        self.logger = Logger(minimumLevel: configuration.logLevel)
        let database = try Database(path: configuration.databasePath, fsync: configuration.fsync)
        do {
            keyspace = try Keyspace(database: database)
        } catch {
            database.close()
            throw StoreError.sqlite(error)
        }
        loop = try EventLoop()
        listener = try TCPListener(host: configuration.bind, port: configuration.port)
        startedAt = EventLoop.wallClockMilliseconds()
    }

    /// The address actually bound (the real port after `--port 0`).
    package var address: SocketAddress? { listener?.localAddress }

    /// Serves until SIGINT or SIGTERM, then finishes the turn, sends its
    /// replies and closes the database cleanly.
    package func run() throws {
        guard let listener else { return }
        try loop.onSignals([SIGINT, SIGTERM]) { [unowned self] signal in
            // A second signal means now: SQLite's WAL keeps what was committed.
            if loop.isStopping || listener == nil { exit(0) }
            logger.info("shutting down", ["signal": signal == SIGINT ? "SIGINT" : "SIGTERM"])
            stopAccepting()
            loop.stop()
        }
        try loop.register(listener.fd, interest: .read, handler: ListenerEvents(server: self))
        loop.every(milliseconds: 100) { [unowned self] in
            sampleOperations()
            sweepExpiredKeys()
        }
        loop.every(milliseconds: 1000) { [unowned self] in
            if configuration.fsync == .everysec { syncWriteAheadLog() }
            closeIdleClients()
        }
        logger.info("listening on \(listener.localAddress)", [
            "addr": listener.localAddress.description, "db": configuration.databasePath,
            "fsync": configuration.fsync.rawValue,
        ])
        try loop.run { [unowned self] in endTurn() }
        finish()
    }

    private func stopAccepting() {
        guard let listener else { return }
        loop.unregister(listener.fd)
        listener.close()
        self.listener = nil
    }

    /// After the last turn: flush what can be sent, checkpoint and close.
    private func finish() {
        for client in Array(clients.values) {
            flush(client)
            close(client)
        }
        keyspace.rollback()
        // Folding the WAL in is a courtesy: it must not hold the stop for a
        // reader in another process, so it waits at most a moment.
        keyspace.database.setBusyTimeout(milliseconds: 100)
        try? keyspace.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        keyspace.database.close()
        logger.info("stopped")
    }

    private func sampleOperations() {
        operationSamples[sampleIndex] = max(0, stats.totalCommands - lastSampledCommands) * 10
        sampleIndex = (sampleIndex + 1) % operationSamples.count
        lastSampledCommands = stats.totalCommands
    }

    /// With `--fsync everysec`, commits do not sync; the WAL is synced here
    /// once a second so at most a second of acknowledged writes is at risk
    /// from a power loss (a process crash loses nothing: the WAL is written).
    private func syncWriteAheadLog() {
        let fd = open(configuration.databasePath + "-wal", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        if fdatasync(fd) != 0 {
            logger.error("WAL sync failed", ["errno": String(errno)])
        }
        Glibc.close(fd)
    }

    /// Deletes expired keys in small batches within a time budget; when a
    /// backlog remains it comes back at once rather than in 100 ms.
    private func sweepExpiredKeys() {
        guard !keyspace.inTransaction else { return }
        let started = EventLoop.monotonicMilliseconds()
        var more = false
        do {
            let now = EventLoop.wallClockMilliseconds()
            guard try keyspace.hasExpired(now: now) else { return }
            try keyspace.beginWrite()
            repeat {
                let deleted = try keyspace.sweepExpired(now: now, limit: configuration.sweepBatch)
                stats.expiredKeys += Int64(deleted)
                more = deleted == configuration.sweepBatch
            } while more && EventLoop.monotonicMilliseconds() - started < configuration.sweepBudgetMilliseconds
            try keyspace.commit()
        } catch {
            keyspace.rollback()
            logger.warning("expiry sweep failed", ["error": "\(error)"])
            return
        }
        if more { loop.after(milliseconds: 1) { [unowned self] in sweepExpiredKeys() } }
    }
}

/// Accepts connections for the server.
final class ListenerEvents: EventHandler {
    unowned let server: Server
    init(server: Server) { self.server = server }
    func handle(_ events: ReadyEvents, on loop: EventLoop) { server.acceptClients() }
}

/// Reads and writes one client's socket.
final class ClientEvents: EventHandler {
    unowned let server: Server
    let client: Client
    init(server: Server, client: Client) {
        self.server = server
        self.client = client
    }
    func handle(_ events: ReadyEvents, on loop: EventLoop) { server.clientReady(client, events) }
}
