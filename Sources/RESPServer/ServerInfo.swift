import EventLoop
import Store
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// INFO's text, in Redis's format: `# Section` headers, `field:value` lines,
/// CRLF line ends, a blank line between sections.
package enum ServerInfo {
    /// The Redis release whose behaviour Tally matches, as clients read it.
    package static let redisVersion = "7.0.15"
    package static let tallyVersion = "0.1.0"

    static let defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "keyspace"]

    static func render(_ server: Server, sections requested: [String], now: Int64) throws(RedisError) -> String {
        var wanted = requested.isEmpty ? defaultSections : []
        for name in requested {
            if ["all", "default", "everything"].contains(name) { wanted = defaultSections } else { wanted.append(name) }
        }
        var parts: [String] = []
        for name in defaultSections where wanted.contains(name) {
            let lines = try fields(of: name, server, now: now)
            parts.append("# \(name == "cpu" ? "CPU" : name.prefix(1).uppercased() + name.dropFirst())\r\n"
                         + lines.map { "\($0.0):\($0.1)\r\n" }.joined())
        }
        return parts.joined(separator: "\r\n")
    }

    private static func fields(of section: String, _ server: Server, now: Int64) throws(RedisError) -> [(String, String)] {
        let configuration = server.configuration
        let stats = server.stats
        switch section {
        case "server":
            let uptime = (now - server.startedAt) / 1000
            return [
                ("redis_version", redisVersion), ("tally_version", tallyVersion), ("redis_mode", "standalone"),
                ("os", "Linux"), ("arch_bits", "64"), ("multiplexing_api", "epoll"),
                ("process_id", String(getpid())), ("tcp_port", String(server.address?.port ?? configuration.port)),
                ("server_time_usec", String(now * 1000)), ("uptime_in_seconds", String(uptime)),
                ("uptime_in_days", String(uptime / 86400)), ("executable", CommandLine.arguments.first ?? ""),
                ("config_file", configuration.configFile),
            ]
        case "clients":
            return [("connected_clients", String(server.clients.count)), ("maxclients", String(configuration.maxClients)),
                    ("blocked_clients", "0"), ("tracking_clients", "0")]
        case "memory":
            let rss = residentSetBytes()
            let sqliteBytes = server.keyspace.cacheBytes
            return [
                ("used_memory", String(sqliteBytes)), ("used_memory_human", human(sqliteBytes)),
                ("used_memory_rss", String(rss)), ("used_memory_rss_human", human(rss)),
                ("sqlite_page_cache_bytes", String(sqliteBytes)), ("maxmemory", "0"),
                ("maxmemory_policy", "noeviction"), ("mem_allocator", "libc"),
            ]
        case "persistence":
            let perCommit = stats.commits == 0 ? 0 : Double(stats.committedCommands) / Double(stats.commits)
            var walSize = stat()
            let walBytes = stat(configuration.databasePath + "-wal", &walSize) == 0 ? Int64(walSize.st_size) : 0
            return [
                ("loading", "0"), ("rdb_changes_since_last_save", "0"), ("rdb_bgsave_in_progress", "0"),
                ("rdb_last_save_time", String(stats.lastCommitTime)), ("aof_enabled", configuration.fsync == .no ? "0" : "1"),
                ("aof_rewrite_in_progress", "0"),
                ("tally_fsync", configuration.fsync.rawValue), ("tally_commits", String(stats.commits)),
                ("tally_committed_commands", String(stats.committedCommands)),
                ("tally_commands_per_commit", String(format2(perCommit))),
                ("tally_last_commit_usec", String(stats.lastCommitMicroseconds)),
                ("tally_failed_commits", String(stats.failedCommits)),
                ("tally_wal_bytes", String(walBytes)),
            ]
        case "stats":
            return [
                ("total_connections_received", String(stats.totalConnections)),
                ("total_commands_processed", String(stats.totalCommands)),
                ("instantaneous_ops_per_sec", String(server.operationsPerSecond)),
                ("rejected_connections", String(stats.rejectedConnections)),
                ("expired_keys", String(stats.expiredKeys)), ("evicted_keys", "0"),
                ("keyspace_hits", String(stats.keyspaceHits)), ("keyspace_misses", String(stats.keyspaceMisses)),
                ("pubsub_channels", "0"), ("pubsub_patterns", "0"),
            ]
        case "replication":
            return [("role", "master"), ("connected_slaves", "0")]
        case "cpu":
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            func seconds(_ t: timeval) -> String { format6(Double(t.tv_sec) + Double(t.tv_usec) / 1e6) }
            return [("used_cpu_sys", seconds(usage.ru_stime)), ("used_cpu_user", seconds(usage.ru_utime))]
        case "keyspace":
            return try server.keyspace.summary(now: now).map {
                ("db\($0.db)", "keys=\($0.keys),expires=\($0.expires),avg_ttl=\($0.averageTTL)")
            }
        default:
            return []
        }
    }

    /// The process's resident set in bytes, from /proc/self/statm.
    static func residentSetBytes() -> Int64 {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return 0 }
        let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func human(_ bytes: Int64) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes)B" : format2(value) + units[unit]
    }

    static func format2(_ value: Double) -> String { fixed(value, digits: 2) }
    static func format6(_ value: Double) -> String { fixed(value, digits: 6) }

    private static func fixed(_ value: Double, digits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(digits)f", $0) }
        return String(cString: buffer)
    }
}
