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
        Usage: tally-server [path/to/tally.conf] [options]

        A durable Redis-compatible server; data lives in SQLite (WAL mode).

        Options (environment variable in brackets); a config file in redis.conf
        syntax may set the same directives, and flags override it:
          --bind ADDRESS          address to listen on (127.0.0.1) [TALLY_BIND]
          --port PORT             TCP port, 0 for an ephemeral one (6379) [TALLY_PORT]
          --db PATH               SQLite database file (data/tally.db) [TALLY_DB]
          --fsync POLICY          always | everysec | no (always) [TALLY_FSYNC]
          --databases N           number of logical databases (16) [TALLY_DATABASES]
          --requirepass PASSWORD  require AUTH with this password [TALLY_REQUIREPASS]
          --requirepass-file PATH read the password from a file [TALLY_REQUIREPASS_FILE]
          --protected-mode yes|no refuse non-loopback clients when there is no password (yes)
                                  [TALLY_PROTECTED_MODE]
          --maxclients N          most simultaneous clients (10000) [TALLY_MAXCLIENTS]
          --timeout SECONDS       close clients idle this long, 0 = never (0) [TALLY_TIMEOUT]
          --slowlog-log-slower-than MICROSECONDS, --slowlog-max-len N   (10000, 128)
          --log-level LEVEL       debug | info | warn | error (info) [TALLY_LOG_LEVEL]
          --help                  show this help
          --version               show the version

        fsync policies: always = every acknowledged write survives power loss;
        everysec = the WAL is synced once a second; no = the OS decides.
        In every mode a process crash loses no acknowledged write.
        """

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    /// The configuration, or nil when --help or --version was answered.
    /// Order: defaults, then the config file, then the environment, then flags.
    static func parse(_ arguments: [String], environment: [String: String]) throws -> ServerConfiguration? {
        var configuration = ServerConfiguration()
        var flags: [(String, String)] = []
        var configFile: String?
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
                if !argument.hasPrefix("-") && index == 0 {
                    configFile = argument
                    index += 1
                    continue
                }
                var name = argument
                var value: String?
                if let equals = argument.firstIndex(of: "=") {
                    name = String(argument[..<equals])
                    value = String(argument[argument.index(after: equals)...])
                }
                let setting = String(name.dropFirst(2))
                guard name.hasPrefix("--"), ServerSettings.names.contains(setting) || setting == "log-level" else {
                    throw UsageError(description: "unknown option '\(argument)' (see --help)")
                }
                if value == nil {
                    index += 1
                    guard index < arguments.count else { throw UsageError(description: "\(name) needs a value") }
                    value = arguments[index]
                }
                flags.append((setting, value!))
            }
            index += 1
        }
        do {
            if let configFile { try ServerSettings.load(file: configFile, into: &configuration) }
            for (variable, name) in ServerSettings.environment {
                if let value = environment[variable], !value.isEmpty {
                    do { try ServerSettings.apply(name, value, to: &configuration) } catch {
                        throw UsageError(description: "\(variable): \(error.description)")
                    }
                }
            }
            for (name, value) in flags {
                do { try ServerSettings.apply(name, value, to: &configuration) } catch {
                    throw UsageError(description: "--\(name): \(error.description)")
                }
            }
        } catch let error as ServerSettings.Invalid {
            throw UsageError(description: error.description)
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
