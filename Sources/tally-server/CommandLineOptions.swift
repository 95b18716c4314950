import Logging
import EventLoop
import RESPServer
import Store
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// tally-server's flags and their environment equivalents; flags win.
enum CommandLineOptions {
    static let usage = """
        Usage: tally-server [options]

        A durable Redis-compatible server; data lives in SQLite (WAL mode).

        Options (environment variable in brackets):
          --bind ADDRESS       address to listen on (127.0.0.1) [TALLY_BIND]
          --port PORT          TCP port, 0 for an ephemeral one (6379) [TALLY_PORT]
          --db PATH            SQLite database file (data/tally.db) [TALLY_DB]
          --fsync POLICY       always | everysec | no (always) [TALLY_FSYNC]
          --databases N        number of logical databases (16) [TALLY_DATABASES]
          --log-level LEVEL    debug | info | warn | error (info) [TALLY_LOG_LEVEL]
          --help               show this help
          --version            show the version

        fsync policies: always = every acknowledged write survives power loss;
        everysec = the WAL is synced once a second; no = the OS decides.
        In every mode a process crash loses no acknowledged write.
        """

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    /// The configuration, or nil when --help or --version was answered.
    static func parse(_ arguments: [String], environment: [String: String]) throws -> ServerConfiguration? {
        var configuration = ServerConfiguration()
        var values: [String: String] = [:]
        let environmentNames = ["bind": "TALLY_BIND", "port": "TALLY_PORT", "db": "TALLY_DB", "fsync": "TALLY_FSYNC",
                                "databases": "TALLY_DATABASES", "log-level": "TALLY_LOG_LEVEL"]
        for (option, variable) in environmentNames {
            if let value = environment[variable], !value.isEmpty { values[option] = value }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--help", "-h":
                print(usage)
                return nil
            case "--version", "-v":
                print("tally-server \(ServerInfo.tallyVersion) (Redis \(ServerInfo.redisVersion) compatible)")
                return nil
            default:
                var name = argument
                var value: String?
                if let equals = argument.firstIndex(of: "=") {
                    name = String(argument[..<equals])
                    value = String(argument[argument.index(after: equals)...])
                }
                guard name.hasPrefix("--"), environmentNames[String(name.dropFirst(2))] != nil else {
                    throw UsageError(description: "unknown option '\(argument)' (see --help)")
                }
                if value == nil {
                    index += 1
                    guard index < arguments.count else { throw UsageError(description: "\(name) needs a value") }
                    value = arguments[index]
                }
                values[String(name.dropFirst(2))] = value
            }
            index += 1
        }
        if let bind = values["bind"] { configuration.bind = bind }
        if let port = values["port"] {
            guard let number = Int(port), (0...65535).contains(number) else {
                throw UsageError(description: "invalid port '\(port)': expected 0 to 65535")
            }
            configuration.port = number
        }
        if let path = values["db"] {
            guard !path.isEmpty else { throw UsageError(description: "--db needs a path") }
            configuration.databasePath = path
        }
        if let fsync = values["fsync"] {
            guard let policy = FsyncPolicy(rawValue: fsync) else {
                throw UsageError(description: "invalid fsync policy '\(fsync)': expected always, everysec or no")
            }
            configuration.fsync = policy
        }
        if let databases = values["databases"] {
            guard let count = Int(databases), (1...1_000_000).contains(count) else {
                throw UsageError(description: "invalid databases '\(databases)': expected 1 to 1000000")
            }
            configuration.databases = count
        }
        if let level = values["log-level"] {
            guard let parsed = Logger.Level(name: level) else {
                throw UsageError(description: "invalid log level '\(level)': expected debug, info, warn or error")
            }
            configuration.logLevel = parsed
        }
        return configuration
    }

    /// Prints a one-line error and exits.
    static func fail(_ message: String, exitCode: Int32) -> Never {
        let line = "tally-server: \(message)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, line.utf8.count) }
        exit(exitCode)
    }
}

/// Process-wide set-up before the loop starts.
enum EventLoopSetup {
    static func ignoreBrokenPipes() { signal(SIGPIPE, SIG_IGN) }
}
