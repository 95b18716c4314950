import EventLoop
import RESP
import Store
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Server commands: keyspace-wide operations, configuration, time.
enum ServerCommands {
    static func dbsize(_ c: inout CommandContext) throws {
        c.client.reply.integer(Int64(try c.keyspace.count(db: c.db, now: c.now)))
    }

    static func flushdb(_ c: inout CommandContext) throws {
        try checkFlushMode(&c)
        try c.keyspace.flush(db: c.db)
        c.client.reply.simpleString("OK")
    }

    static func flushall(_ c: inout CommandContext) throws {
        try checkFlushMode(&c)
        try c.keyspace.flush(db: nil)
        c.client.reply.simpleString("OK")
    }

    /// FLUSHDB/FLUSHALL take an optional ASYNC or SYNC (both are synchronous here).
    private static func checkFlushMode(_ c: inout CommandContext) throws {
        guard c.count <= 2 else { throw RedisError.syntax }
        if c.count == 2 && !c.isOption(1, "async") && !c.isOption(1, "sync") { throw RedisError.syntax }
    }

    static func time(_ c: inout CommandContext) throws {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        c.client.reply.arrayHeader(2)
        c.client.reply.bulk(String(now.tv_sec))
        c.client.reply.bulk(String(now.tv_nsec / 1000))
    }

    static func info(_ c: inout CommandContext) throws {
        let sections = c.count > 1 ? (1..<c.count).map { c.string($0).lowercased() } : []
        c.client.reply.verbatim(try ServerInfo.render(c.server, sections: sections, now: c.now))
    }

    /// CONFIG GET parameter [parameter ...]: a name without glob characters
    /// is answered under the name as typed, a pattern with the names it matches.
    static func configGet(_ c: inout CommandContext) throws {
        let parameters = c.server.configurationParameters()
        var matched: [(String, String)] = []
        for index in 2..<c.count {
            let typed = c.string(index)
            let pattern = typed.lowercased()
            if !pattern.contains(where: { "*?[".contains($0) }) {
                if let value = parameters.first(where: { $0.0 == pattern })?.1, !matched.contains(where: { $0.0.lowercased() == pattern }) {
                    matched.append((typed, value))
                }
                continue
            }
            for (name, value) in parameters
            where Glob.matches(pattern: Array(pattern.utf8), Array(name.utf8)) && !matched.contains(where: { $0.0.lowercased() == name }) {
                matched.append((name, value))
            }
        }
        c.client.reply.mapHeader(matched.count)
        for (name, value) in matched {
            c.client.reply.bulk(name)
            c.client.reply.bulk(value)
        }
    }

    static func configSet(_ c: inout CommandContext) throws {
        guard c.count % 2 == 0 else { throw RedisError.syntax }
        var changes: [(String, String)] = []
        for index in stride(from: 2, to: c.count, by: 2) {
            let name = c.string(index).lowercased()
            if changes.contains(where: { $0.0 == name }) {
                throw RedisError.custom("ERR CONFIG SET failed (possibly related to argument '\(name)') - duplicate parameter")
            }
            changes.append((name, c.string(index + 1)))
        }
        // All or nothing: every value is checked before any is applied.
        var updated = c.server.configuration
        for (name, value) in changes { try c.server.validate(name, value, into: &updated) }
        try c.server.adopt(updated)
        c.client.reply.simpleString("OK")
    }

    static func configResetstat(_ c: inout CommandContext) throws {
        c.server.stats = ServerStats()
        c.client.reply.simpleString("OK")
    }
}

extension Server {
    /// CONFIG GET's view of the effective settings, with Redis's names where
    /// one exists and Tally's own for the rest.
    func configurationParameters() -> [(String, String)] {
        let durable = configuration.fsync != .no
        return [
            ("bind", configuration.bind),
            ("port", String(address?.port ?? configuration.port)),
            ("databases", String(configuration.databases)),
            // No RDB snapshots: every write goes to SQLite's WAL.
            ("save", ""),
            ("appendonly", durable ? "yes" : "no"),
            ("appendfsync", configuration.fsync.rawValue),
            ("dbfilename", configuration.databasePath),
            ("maxclients", String(configuration.maxClients)),
            ("timeout", String(configuration.idleTimeoutSeconds)),
            ("maxmemory", "0"),
            ("maxmemory-policy", "noeviction"),
            ("requirepass", configuration.requirePass ?? ""),
            ("protected-mode", configuration.protectedMode ? "yes" : "no"),
            ("slowlog-log-slower-than", String(configuration.slowlogThresholdMicroseconds)),
            ("slowlog-max-len", String(configuration.slowlogMaxLength)),
            ("proto-max-bulk-len", String(configuration.limits.maxBulkLength)),
            ("loglevel", "\(logger.minimumLevel)"),
            ("tally-db", configuration.databasePath),
            ("tally-fsync", configuration.fsync.rawValue),
        ]
    }

    /// Checks one CONFIG SET change with the same validators as the flags
    /// and the config file, applying it to `updated`.
    func validate(_ name: String, _ value: String, into updated: inout ServerConfiguration) throws(RedisError) {
        guard ServerSettings.mutable.contains(name) else {
            throw .custom("ERR Unknown option or number of arguments for CONFIG SET - '\(name)'")
        }
        do {
            try ServerSettings.apply(name, value, to: &updated)
        } catch {
            throw .custom("ERR CONFIG SET failed (possibly related to argument '\(name)') - \(error.description)")
        }
    }

    /// Makes a checked configuration the running one.
    func adopt(_ updated: ServerConfiguration) throws(RedisError) {
        logger.minimumLevel = updated.logLevel
        if updated.fsync != configuration.fsync {
            do { try keyspace.database.execute("PRAGMA synchronous=\(updated.fsync == .always ? "FULL" : "NORMAL")") } catch {
                throw .storage(error.message)
            }
        }
        configuration = updated
    }
}
