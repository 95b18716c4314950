import Logging
import RESP
import Store
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Every setting tally-server reads, by its redis.conf name, with one
/// validator each: the config file, the environment, the flags and CONFIG
/// SET all go through `apply`, so a value means the same from every source.
package enum ServerSettings {
    /// Settings that CONFIG SET may change while the server runs.
    static let mutable: Set<String> = [
        "appendfsync", "fsync", "requirepass", "maxclients", "timeout", "protected-mode",
        "slowlog-log-slower-than", "slowlog-max-len", "loglevel",
    ]

    /// Names tally-server knows, for errors and the flag list.
    package static let names = [
        "bind", "port", "db", "fsync", "appendfsync", "databases", "loglevel", "requirepass", "requirepass-file",
        "protected-mode", "maxclients", "timeout", "slowlog-log-slower-than", "slowlog-max-len", "proto-max-bulk-len",
    ]

    /// Environment variables, applied after the config file and before flags.
    package static let environment: [(variable: String, name: String)] = [
        ("TALLY_BIND", "bind"), ("TALLY_PORT", "port"), ("TALLY_DB", "db"), ("TALLY_FSYNC", "fsync"),
        ("TALLY_DATABASES", "databases"), ("TALLY_LOG_LEVEL", "loglevel"), ("TALLY_REQUIREPASS", "requirepass"),
        ("TALLY_REQUIREPASS_FILE", "requirepass-file"), ("TALLY_PROTECTED_MODE", "protected-mode"),
        ("TALLY_MAXCLIENTS", "maxclients"), ("TALLY_TIMEOUT", "timeout"),
    ]

    /// A setting's value that cannot be used, in words for the one-line error.
    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    /// Sets `name` (a redis.conf directive; `log-level` is an alias of `loglevel`) to `value`.
    package static func apply(_ name: String, _ value: String, to configuration: inout ServerConfiguration) throws(Invalid) {
        switch name {
        case "bind":
            let addresses = value.split(separator: " ")
            // redis.conf may list several; Tally listens on one address.
            guard addresses.count == 1 else { throw Invalid(description: "bind takes one address (got '\(value)')") }
            configuration.bind = String(addresses[0])
        case "port":
            configuration.port = try number(name, value, in: 0...65535)
        case "db":
            guard !value.isEmpty else { throw Invalid(description: "db needs a path") }
            configuration.databasePath = value
        case "fsync", "appendfsync":
            guard let policy = FsyncPolicy(rawValue: value.lowercased()) else {
                throw Invalid(description: "argument(s) must be one of the following: everysec, always, no")
            }
            configuration.fsync = policy
        case "databases":
            configuration.databases = try number(name, value, in: 1...1_000_000)
        case "loglevel", "log-level":
            let aliases = ["verbose": "debug", "notice": "info", "warning": "warn"]
            guard let level = Logger.Level(name: aliases[value.lowercased()] ?? value.lowercased()) else {
                throw Invalid(description: "argument(s) must be one of the following: debug, info, warn, error (or Redis's verbose, notice, warning)")
            }
            configuration.logLevel = level
        case "requirepass":
            configuration.requirePass = value.isEmpty ? nil : value
        case "requirepass-file":
            configuration.requirePass = try readPassword(from: value)
        case "protected-mode":
            configuration.protectedMode = try yesNo(name, value)
        case "maxclients":
            configuration.maxClients = try number(name, value, in: 1...1_000_000)
        case "timeout":
            configuration.idleTimeoutSeconds = try number(name, value, in: 0...Int(Int32.max))
        case "slowlog-log-slower-than":
            configuration.slowlogThresholdMicroseconds = Int64(try number(name, value, in: -1...Int(Int64.max)))
        case "slowlog-max-len":
            configuration.slowlogMaxLength = try number(name, value, in: 0...Int(Int32.max))
        case "proto-max-bulk-len":
            configuration.limits.maxBulkLength = try number(name, value, in: 1024 * 1024...Int(Int32.max))
        default:
            throw Invalid(description: "unknown setting '\(name)'")
        }
    }

    /// Reads a redis.conf-style file: `directive arg…` per line, `#`
    /// comments, arguments split (and unquoted) as Redis does.
    package static func load(file path: String, into configuration: inout ServerConfiguration) throws(Invalid) {
        guard let text = readFile(path) else {
            throw Invalid(description: "cannot read config file \(path): \(String(cString: strerror(errno)))")
        }
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (offset, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            var arguments = Arguments()
            var bytes = Array(trimmed.utf8)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            let split = bytes.withUnsafeBytes { raw in
                Result { () throws(ProtocolError) in try InlineSplitter.split(raw, into: &arguments) }
            }
            let place = "\(path):\(offset + 1)"
            guard case .success = split else {
                let directive = trimmed.prefix { $0 != " " && $0 != "\t" }.lowercased()
                throw Invalid(description: "\(place): directive '\(directive)': unbalanced quotes")
            }
            guard arguments.count >= 2 else {
                throw Invalid(description: "\(place): directive '\(arguments.count > 0 ? arguments.string(0) : "")' needs a value")
            }
            let name = arguments.string(0).lowercased()
            let value = (1..<arguments.count).map { arguments.string($0) }.joined(separator: " ")
            do {
                try apply(name, value, to: &configuration)
            } catch {
                throw Invalid(description: "\(place): directive '\(name)': \(error.description)")
            }
        }
        configuration.configFile = path
    }

    private static func number(_ name: String, _ value: String, in range: ClosedRange<Int>) throws(Invalid) -> Int {
        guard let number = Int(value) else { throw Invalid(description: "argument couldn't be parsed into an integer") }
        guard range.contains(number) else {
            throw Invalid(description: "argument must be between \(range.lowerBound) and \(range.upperBound) inclusive")
        }
        return number
    }

    private static func yesNo(_ name: String, _ value: String) throws(Invalid) -> Bool {
        switch value.lowercased() {
        case "yes": return true
        case "no": return false
        default: throw Invalid(description: "argument must be 'yes' or 'no'")
        }
    }

    private static func readPassword(from path: String) throws(Invalid) -> String {
        guard let text = readFile(path) else {
            throw Invalid(description: "cannot read password file \(path): \(String(cString: strerror(errno)))")
        }
        // A trailing newline is the editor's, not the password's.
        var password = Substring(text)
        while password.last == "\n" || password.last == "\r" { password.removeLast() }
        guard !password.isEmpty else { throw Invalid(description: "password file \(path) is empty") }
        return String(password)
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            // A config file is small; anything huge is a mistake.
            if bytes.count > 16 << 20 { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
