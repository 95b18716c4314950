import Testing
@testable import App

/// tally-web's settings: environment as compose sets it, flags mirroring it.
/// The rule in the code: each `REDIS_*` setting comes from its flag, else its
/// variable; then `REDIS_URL`/`--redis-url` (flag, else variable) overrides the
/// parts it names.
@Suite struct WebConfigurationTests {
    static func parse(_ arguments: [String] = [], _ environment: [String: String] = [:]) throws -> WebConfiguration {
        try #require(try WebConfiguration.parse(arguments: arguments, environment: environment))
    }

    static func error(_ arguments: [String] = [], _ environment: [String: String] = [:]) throws -> String {
        try #require(throws: ConfigurationError.self) {
            _ = try WebConfiguration.parse(arguments: arguments, environment: environment)
        }.description
    }

    @Test func defaults() throws {
        let configuration = try Self.parse()
        #expect(configuration.bind == "0.0.0.0")
        #expect(configuration.port == 5000)
        #expect(configuration.cache == CacheConfiguration())
        #expect(configuration.limits.maxRequestLine == 8192)
        #expect(configuration.headerTimeoutMilliseconds == 10_000)
        #expect(configuration.idleTimeoutMilliseconds == 60_000)
        #expect(configuration.maxConnections == 10_000)
        #expect(configuration.drainMilliseconds == 1_000)
    }

    @Test func environmentAsComposeSetsIt() throws {
        let configuration = try Self.parse([], [
            "PORT": "8080", "BIND": "127.0.0.1", "REDIS_HOST": "cache", "REDIS_PORT": "6380",
            "REDIS_PASSWORD": "s3cret", "REDIS_DB": "2", "UNRELATED": "ignored",
        ])
        #expect(configuration.port == 8080)
        #expect(configuration.bind == "127.0.0.1")
        #expect(configuration.cache.host == "cache")
        #expect(configuration.cache.port == 6380)
        #expect(configuration.cache.password == "s3cret")
        #expect(configuration.cache.db == 2)
    }

    @Test func emptyVariablesAreUnset() throws {
        let configuration = try Self.parse([], ["PORT": "", "REDIS_HOST": "", "REDIS_PASSWORD": "", "REDIS_URL": ""])
        #expect(configuration.port == 5000)
        #expect(configuration.cache.host == "redis")
        #expect(configuration.cache.password == nil)
    }

    @Test func flagsInBothForms() throws {
        let configuration = try Self.parse([
            "--port", "9090", "--bind=::", "--redis-host", "cache", "--redis-port=7001",
            "--redis-password", "pw", "--redis-db=3", "--log-level", "debug",
        ])
        #expect(configuration.port == 9090)
        #expect(configuration.bind == "::")
        #expect(configuration.cache.host == "cache")
        #expect(configuration.cache.port == 7001)
        #expect(configuration.cache.password == "pw")
        #expect(configuration.cache.db == 3)
    }

    @Test func flagValueMayContainEqualsSignsAndStartWithDashes() throws {
        let configuration = try Self.parse(["--redis-password=a=b", "--redis-host", "--odd-host"])
        #expect(configuration.cache.password == "a=b")
        #expect(configuration.cache.host == "--odd-host")
    }

    @Test func flagsOverrideTheirVariables() throws {
        let configuration = try Self.parse(["--port=1234", "--redis-host", "flag-host", "--redis-db", "0"],
                                           ["PORT": "8080", "REDIS_HOST": "env-host", "REDIS_DB": "5", "REDIS_PORT": "6390"])
        #expect(configuration.port == 1234)
        #expect(configuration.cache.host == "flag-host")
        #expect(configuration.cache.db == 0)
        #expect(configuration.cache.port == 6390)
    }

    @Test func laterFlagWins() throws {
        #expect(try Self.parse(["--port", "1", "--port", "2"]).port == 2)
    }

    @Test func redisURLOverridesTheRedisVariables() throws {
        let configuration = try Self.parse([], [
            "REDIS_HOST": "env-host", "REDIS_PORT": "1111", "REDIS_PASSWORD": "env-pw", "REDIS_DB": "7",
            "REDIS_URL": "redis://:url-pw@url-host:2222/3",
        ])
        #expect(configuration.cache.host == "url-host")
        #expect(configuration.cache.port == 2222)
        #expect(configuration.cache.password == "url-pw")
        #expect(configuration.cache.db == 3)
    }

    @Test func partsTheURLLeavesOutComeFromTheRedisVariables() throws {
        // "REDIS_URL overrides the REDIS_* parts" (--help): only the parts it names.
        let configuration = try Self.parse([], [
            "REDIS_HOST": "env-host", "REDIS_PORT": "7000", "REDIS_PASSWORD": "env-pw", "REDIS_DB": "4",
            "REDIS_URL": "redis://url-host",
        ])
        #expect(configuration.cache.host == "url-host")
        #expect(configuration.cache.port == 7000)
        #expect(configuration.cache.password == "env-pw")
        #expect(configuration.cache.db == 4)
    }

    @Test func redisURLFlagOverridesRedisFlagsAndVariables() throws {
        let configuration = try Self.parse(
            ["--redis-url", "redis://flag-url:6390/1", "--redis-host", "flag-host", "--redis-db", "8"],
            ["REDIS_URL": "redis://env-url:6391/2", "REDIS_HOST": "env-host"])
        #expect(configuration.cache.host == "flag-url")
        #expect(configuration.cache.port == 6390)
        #expect(configuration.cache.db == 1)
    }

    @Test func redisURLDoesNotTouchTheWebSettings() throws {
        let configuration = try Self.parse(["--port", "81"], ["REDIS_URL": "redis://cache:6380", "BIND": "127.0.0.2"])
        #expect(configuration.port == 81)
        #expect(configuration.bind == "127.0.0.2")
    }

    /// Bug: the doc comment gives the order "`REDIS_*`, then `REDIS_URL` (which
    /// overrides them), then flags", and flags beating the environment is the
    /// rule everywhere else; but a `REDIS_URL` from the environment overrides
    /// `--redis-host`/`--redis-port`/`--redis-db`/`--redis-password` given on
    /// the command line, so they are silently ignored.
    @Test func redisFlagsOverrideARedisURLFromTheEnvironment() throws {
        let configuration = try Self.parse(["--redis-host", "flag-host", "--redis-port", "7000", "--redis-db", "5"],
                                           ["REDIS_URL": "redis://env-host:6380/2"])
        #expect(configuration.cache.host == "flag-host")
        #expect(configuration.cache.port == 7000)
        #expect(configuration.cache.db == 5)
    }

    @Test(arguments: [["--help"], ["-h"], ["--port", "1", "--help"], ["--help", "--bogus"]])
    func helpAsksForUsage(arguments: [String]) throws {
        #expect(try WebConfiguration.parse(arguments: arguments, environment: ["PORT": "not-a-port"]) == nil)
    }

    @Test func usageNamesEveryOption() {
        for option in ["--bind", "--port", "--redis-host", "--redis-port", "--redis-password", "--redis-db", "--redis-url",
                       "--log-level", "--help"] {
            #expect(WebConfiguration.usage.contains(option), "\(option)")
        }
    }

    @Test(arguments: [
        (["--nope"], "unknown option '--nope' (see --help)"),
        (["--nope=1"], "unknown option '--nope=1' (see --help)"),
        (["serve"], "unknown option 'serve' (see --help)"),
        (["-p", "80"], "unknown option '-p' (see --help)"),
        (["--REDIS-HOST", "x"], "unknown option '--REDIS-HOST' (see --help)"),
        (["--port"], "--port needs a value"),
        (["--port", "1", "--redis-url"], "--redis-url needs a value"),
        (["--port", "http"], "invalid PORT 'http': expected 0 to 65535"),
        (["--port=65536"], "invalid PORT '65536': expected 0 to 65535"),
        (["--port="], "invalid PORT '': expected 0 to 65535"),
        (["--port", "-1"], "invalid PORT '-1': expected 0 to 65535"),
        (["--redis-port", "0"], "invalid REDIS_PORT '0': expected 1 to 65535"),
        (["--redis-port", "70000"], "invalid REDIS_PORT '70000': expected 1 to 65535"),
        (["--redis-db", "-1"], "invalid REDIS_DB '-1': expected a number ≥ 0"),
        (["--redis-db", "one"], "invalid REDIS_DB 'one': expected a number ≥ 0"),
        (["--redis-url", "cache:6379"], "REDIS_URL must start with redis:// (got 'cache:6379')"),
    ] as [([String], String)])
    func invalidFlags(arguments: [String], message: String) throws {
        #expect(try Self.error(arguments) == message)
    }

    @Test(arguments: [
        (["PORT": "abc"], "invalid PORT 'abc': expected 0 to 65535"),
        (["REDIS_PORT": "0"], "invalid REDIS_PORT '0': expected 1 to 65535"),
        (["REDIS_DB": "-2"], "invalid REDIS_DB '-2': expected a number ≥ 0"),
        (["REDIS_URL": "redis://cache:99999"], "invalid port '99999' in REDIS_URL"),
    ])
    func invalidVariables(environment: [String: String], message: String) throws {
        #expect(try Self.error([], environment) == message)
    }

    @Test func portZeroAsksForAnEphemeralPort() throws {
        #expect(try Self.parse(["--port", "0"]).port == 0)
        #expect(try Self.parse([], ["PORT": "0"]).port == 0)
    }

    @Test func aValidFlagMendsAnInvalidVariable() throws {
        #expect(try Self.parse(["--port", "8000"], ["PORT": "junk"]).port == 8000)
    }

    @Test(arguments: [
        (["--log-level", "debug"], ["LOG_LEVEL": "error"], "debug"),
        (["--log-level=warn"], ["LOG_LEVEL": "error"], "warn"),
        ([], ["LOG_LEVEL": "error"], "error"),
        (["--port", "1"], [:], nil),
        // A trailing flag without its value falls back to the environment.
        (["--log-level"], ["LOG_LEVEL": "info"], "info"),
    ] as [([String], [String: String], String?)])
    func logLevel(arguments: [String], environment: [String: String], expected: String?) {
        #expect(WebConfiguration.logLevel(arguments: arguments, environment: environment) == expected)
    }
}
