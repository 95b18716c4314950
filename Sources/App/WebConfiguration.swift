import HTTP

/// tally-web's settings: environment as in compose, flags mirroring them.
package struct WebConfiguration: Sendable {
    package var bind = "0.0.0.0"
    package var port = 5000
    package var cache = CacheConfiguration()
    package var limits = HTTPLimits()
    /// A request's head must arrive within this; an idle keep-alive
    /// connection closes after the other.
    package var headerTimeoutMilliseconds: Int64 = 10_000
    package var idleTimeoutMilliseconds: Int64 = 60_000
    package var maxConnections = 10_000
    /// How long SIGTERM waits for in-flight requests.
    package var drainMilliseconds: Int64 = 1_000

    package init() {}

    /// Reads `PORT`, `BIND`, `REDIS_HOST`, `REDIS_PORT`, `REDIS_PASSWORD`,
    /// `REDIS_DB`, then `REDIS_URL` (which overrides them), then flags.
    package static func parse(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> WebConfiguration? {
        // Precedence, lowest first: REDIS_* variables, REDIS_URL, the flags,
        // --redis-url. A value overridden by a higher layer is never read,
        // so a valid flag mends an invalid variable.
        let names = ["port": "PORT", "bind": "BIND", "redis-host": "REDIS_HOST", "redis-port": "REDIS_PORT",
                     "redis-password": "REDIS_PASSWORD", "redis-db": "REDIS_DB", "redis-url": "REDIS_URL",
                     "log-level": "LOG_LEVEL"]
        if arguments.contains("--help") || arguments.contains("-h") { return nil }
        var flags: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var name = argument, value: String? = nil
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            guard name.hasPrefix("--"), names[String(name.dropFirst(2))] != nil else {
                throw ConfigurationError("unknown option '\(argument)' (see --help)")
            }
            if value == nil {
                index += 1
                guard index < arguments.count else { throw ConfigurationError("\(name) needs a value") }
                value = arguments[index]
            }
            flags[String(name.dropFirst(2))] = value
            index += 1
        }
        var variables: [String: String] = [:]
        for (option, variable) in names {
            if let value = environment[variable], !value.isEmpty { variables[option] = value }
        }
        let simple = ["port", "bind", "redis-host", "redis-port", "redis-password", "redis-db"]
        var settings: [(String, String)] = simple.compactMap { option in
            flags[option] == nil ? variables[option].map { (option, $0) } : nil
        }
        if flags["redis-url"] == nil, let url = variables["redis-url"] { settings.append(("redis-url", url)) }
        settings += simple.compactMap { option in flags[option].map { (option, $0) } }
        if let url = flags["redis-url"] { settings.append(("redis-url", url)) }
        var configuration = WebConfiguration()
        for (option, value) in settings {
            switch option {
            case "bind": configuration.bind = value
            case "port": configuration.port = try parsePort(value, name: "PORT", allowZero: true)
            case "redis-host": configuration.cache.host = value
            case "redis-port": configuration.cache.port = try parsePort(value, name: "REDIS_PORT", allowZero: false)
            case "redis-password": configuration.cache.password = value
            case "redis-db":
                guard let number = Int(value), number >= 0 else {
                    throw ConfigurationError("invalid REDIS_DB '\(value)': expected a number ≥ 0")
                }
                configuration.cache.db = number
            case "redis-url": try CacheConfiguration.parse(url: value, into: &configuration.cache)
            default: break
            }
        }
        return configuration
    }

    /// The log level named by `LOG_LEVEL`/`--log-level`, checked.
    package static func logLevel(arguments: [String], environment: [String: String]) -> String? {
        if let index = arguments.firstIndex(of: "--log-level"), index + 1 < arguments.count { return arguments[index + 1] }
        if let flag = arguments.first(where: { $0.hasPrefix("--log-level=") }) { return String(flag.dropFirst("--log-level=".count)) }
        return environment["LOG_LEVEL"]
    }

    private static func parsePort(_ text: String, name: String, allowZero: Bool) throws(ConfigurationError) -> Int {
        guard let port = Int(text), (allowZero ? 0 : 1)...65535 ~= port else {
            throw ConfigurationError("invalid \(name) '\(text)': expected \(allowZero ? 0 : 1) to 65535")
        }
        return port
    }

    package static let usage = """
        Usage: tally-web [options]

        The article's page in Swift: GET / increments `hits` on the cache.

        Options (environment variable in brackets; REDIS_URL overrides the REDIS_* parts):
          --bind ADDRESS          address to listen on (0.0.0.0) [BIND]
          --port PORT             HTTP port, 0 for an ephemeral one (5000) [PORT]
          --redis-host HOST       cache host name, resolved like any client (redis) [REDIS_HOST]
          --redis-port PORT       cache port (6379) [REDIS_PORT]
          --redis-password PW     password sent with AUTH [REDIS_PASSWORD]
          --redis-db N            database to SELECT (0) [REDIS_DB]
          --redis-url URL         redis://[[user]:password@]host[:port][/db] [REDIS_URL]
          --log-level LEVEL       debug | info | warn | error (info) [LOG_LEVEL]
          --help                  show this help

        Routes: GET /  (the counter page), GET /healthz, GET /readyz, GET /metrics (Prometheus).
        """
}
