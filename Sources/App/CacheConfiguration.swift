/// Where the cache (tally-server or a real Redis) is and how to talk to it.
package struct CacheConfiguration: Sendable, Equatable {
    package var host = "redis"
    package var port = 6379
    package var password: String? = nil
    package var username: String? = nil
    package var db = 0
    /// Pipelined connections shared by all HTTP requests.
    package var poolSize = 4
    package var connectTimeoutMilliseconds = 2000
    package var replyTimeoutMilliseconds = 2000
    /// Reconnect backoff: doubles from the first to the last.
    package var minimumBackoffMilliseconds = 50
    package var maximumBackoffMilliseconds = 2000

    package init() {}

    /// Parses `redis://[[user]:password@]host[:port][/db]` as redis-py does.
    package static func parse(url: String, into configuration: inout CacheConfiguration) throws(ConfigurationError) {
        guard url.hasPrefix("redis://") else {
            throw ConfigurationError("REDIS_URL must start with redis:// (got '\(url)')")
        }
        var rest = Substring(url.dropFirst("redis://".count))
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let user = percentDecoded(String(credentials[..<colon]))
                configuration.username = user.isEmpty ? nil : user
                configuration.password = percentDecoded(String(credentials[credentials.index(after: colon)...]))
            } else if !credentials.isEmpty {
                configuration.password = percentDecoded(String(credentials))
            }
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var host = rest
        if rest.hasPrefix("[") {
            // An IPv6 literal: `[addr]` then nothing or `:port`.
            guard let close = rest.firstIndex(of: "]") else { throw ConfigurationError("unclosed '[' in REDIS_URL host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                configuration.port = try port(after.dropFirst(), in: url)
            } else if !after.isEmpty {
                throw ConfigurationError("unexpected '\(after)' after the host in REDIS_URL")
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            let portText = rest[rest.index(after: colon)...]
            // A second colon means an IPv6 address without brackets.
            if portText.contains(":") { throw ConfigurationError("an IPv6 host in REDIS_URL needs brackets: redis://[::1]:6379") }
            configuration.port = try port(portText, in: url)
        }
        if host.contains("[") || host.contains("]") { throw ConfigurationError("malformed host '\(host)' in REDIS_URL") }
        if !host.isEmpty { configuration.host = String(host) }
        let dbText = path.split(separator: "?").first.map(String.init) ?? ""
        if !dbText.isEmpty {
            guard let db = Int(dbText), db >= 0 else { throw ConfigurationError("invalid database '\(dbText)' in REDIS_URL") }
            configuration.db = db
        }
    }

    private static func port(_ text: Substring, in url: String) throws(ConfigurationError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ConfigurationError("invalid port '\(text)' in REDIS_URL")
        }
        return port
    }

    private static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A configuration value that cannot be used, with what was wrong.
package struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ description: String) { self.description = description }
}
