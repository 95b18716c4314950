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

    static func configGet(_ c: inout CommandContext) throws {
        let parameters = c.server.configurationParameters()
        var matched: [(String, String)] = []
        for index in 2..<c.count {
            let pattern = Array(c.string(index).lowercased().utf8)
            for (name, value) in parameters
            where Glob.matches(pattern: pattern, Array(name.utf8)) && !matched.contains(where: { $0.0 == name }) {
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
        guard c.count % 2 == 0 else { throw RedisError.wrongArity(command: c.spec.fullName) }
        var changes: [(String, String)] = []
        for index in stride(from: 2, to: c.count, by: 2) {
            changes.append((c.string(index).lowercased(), c.string(index + 1)))
        }
        for (name, value) in changes {
            try c.server.setParameter(name, value)
        }
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

    /// CONFIG SET for the settings that can change while running, checked
    /// by the same validators as the flags and the config file.
    func setParameter(_ name: String, _ value: String) throws(RedisError) {
        guard ServerSettings.mutable.contains(name) else {
            throw .custom("ERR Unknown option or number of arguments for CONFIG SET - '\(name)'")
        }
        var updated = configuration
        do {
            try ServerSettings.apply(name, value, to: &updated)
        } catch {
            throw .custom("ERR CONFIG SET failed (possibly related to argument '\(name)') - \(error.description)")
        }
        if updated.fsync != configuration.fsync {
            do { try keyspace.database.execute("PRAGMA synchronous=\(updated.fsync == .always ? "FULL" : "NORMAL")") } catch {
                throw .storage(error.message)
            }
        }
        configuration = updated
    }
}
