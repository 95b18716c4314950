import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where a process runs: on this host, or inside a network namespace (`ip netns exec NS …`,
/// which also bind-mounts `/etc/netns/NS/hosts` over `/etc/hosts`).
enum Host: CustomStringConvertible {
    case local
    case namespace(String)

    var description: String {
        switch self {
        case .local: "this host"
        case .namespace(let name): "namespace \(name)"
        }
    }

    /// Starts `executable` here; `ip netns exec` execs in place, so the pid is the program's own.
    func spawn(_ executable: String, _ arguments: [String], workingDirectory: String? = nil,
               environment: [String: String]? = nil) throws -> ChildProcess {
        switch self {
        case .local:
            return try ChildProcess(executable, arguments, workingDirectory: workingDirectory, environment: environment)
        case .namespace(let name):
            let ip = try Paths.systemTool("ip", debianPackage: "iproute2")
            return try ChildProcess(ip, ["netns", "exec", name, executable] + arguments,
                                    workingDirectory: workingDirectory, environment: environment)
        }
    }

    /// Runs a program here to its end.
    func run(_ executable: String, _ arguments: [String], timeout: Double = 30) throws -> ProgramOutput {
        switch self {
        case .local:
            return try runProgram(executable, arguments, timeout: timeout)
        case .namespace(let name):
            let ip = try Paths.systemTool("ip", debianPackage: "iproute2")
            return try runProgram(ip, ["netns", "exec", name, executable] + arguments, timeout: timeout)
        }
    }
}

/// The inherited environment without the variables that configure our programs,
/// so each test states its own configuration.
func cleanEnvironment(adding extra: [String: String] = [:]) -> [String: String] {
    let configuring: Set<String> = ["PORT", "BIND", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB",
                                    "REDIS_URL", "LOG_LEVEL"]
    var environment = ProcessInfo.processInfo.environment.filter {
        !configuring.contains($0.key) && !$0.key.hasPrefix("TALLY_")
    }
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    environment.merge(extra) { $1 }
    return environment
}

/// Waits for a Tally binary's start-up line `level=info msg="listening on …" addr=HOST:PORT`
/// and returns the port, or throws with what the process printed.
func waitForListening(_ child: ChildProcess, name: String, timeout: Double = 30) throws -> Int {
    let found = child.stdout.wait(until: Date().addingTimeInterval(timeout)) { bytes -> Int? in
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        where line.contains("msg=\"listening on") {
            guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("addr=") }),
                  let colon = field.lastIndex(of: ":") else { continue }
            return Int(field[field.index(after: colon)...])
        }
        return nil
    }
    guard let found else {
        let ended = child.waitForExit(timeout: 0)
        if ended == nil { child.stop(grace: 1) }
        throw HarnessError("""
            \(name) did not print 'listening on' within \(timeout) s \
            (\(ended.map(\.description) ?? "still running, stopped")); \(child.output)
            """)
    }
    return found
}

/// A running `tally-server` with its own database file.
final class TallyServer: Sendable {
    let child: ChildProcess
    let address: String
    let port: Int

    /// `--port 0` (ephemeral) unless a port is given, as inside a private namespace;
    /// `arguments` go after the others (`--protected-mode no` for clients off loopback).
    init(database: String, bind: String = "127.0.0.1", port: Int = 0, arguments: [String] = [], on host: Host = .local) throws {
        let binary = try Paths.requireTallyServer()
        child = try host.spawn(binary, ["--bind", bind, "--port", String(port), "--db", database] + arguments,
                               environment: cleanEnvironment())
        address = bind
        self.port = try waitForListening(child, name: "tally-server on \(host)")
    }

    @discardableResult
    func stop() -> Termination { child.stop() }
}

/// A running `tally-web`, configured through its environment as compose does.
final class TallyWeb: Sendable {
    let child: ChildProcess
    let address: String
    let port: Int

    /// `environment` is what compose would set (REDIS_HOST, PORT…); `PORT` defaults to 0 here
    /// (ephemeral) and `BIND` to 127.0.0.1 unless given.
    init(environment: [String: String], on host: Host = .local) throws {
        let binary = try Paths.requireTallyWeb()
        var settings = environment
        if case .local = host {
            settings["PORT"] = settings["PORT"] ?? "0"
            settings["BIND"] = settings["BIND"] ?? "127.0.0.1"
        }
        child = try host.spawn(binary, [], environment: cleanEnvironment(adding: settings))
        address = settings["BIND"] ?? "0.0.0.0"
        port = try waitForListening(child, name: "tally-web on \(host)")
    }

    /// A tally-web on loopback pointed at a cache on 127.0.0.1:`cachePort`; with
    /// `waitForCache`, returned once /readyz says the cache answers, as an orchestrator
    /// would wait (requests sent earlier may get 503: see FirstRequestTests).
    convenience init(cachePort: Int, waitForCache: Bool = true) throws {
        try self.init(environment: ["REDIS_HOST": "127.0.0.1", "REDIS_PORT": String(cachePort)])
        if waitForCache { try waitUntilReady(url: "\(url)/readyz") }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Polls `readyzURL` (from `host`) until it answers 200.
    func waitUntilReady(url readyzURL: String, on host: Host = .local, timeout: Double = 30) throws {
        guard try Curl.waitFor(status: 200, at: readyzURL, on: host, timeout: timeout) != nil else {
            throw HarnessError("tally-web's /readyz did not answer 200 within \(timeout) s; \(child.output)")
        }
    }

    @discardableResult
    func stop() -> Termination { child.stop() }
}

/// A running Debian `redis-server` (no persistence), ready when it says so.
final class RedisServer: Sendable {
    let child: ChildProcess
    let port: Int

    /// On this host a free loopback port is picked (Redis has no ephemeral port: `--port 0`
    /// turns TCP off), retried if another process takes it first.
    init(bind: String = "127.0.0.1", port fixedPort: Int? = nil, directory: String, on host: Host = .local) throws {
        let binary = try Paths.systemTool("redis-server", debianPackage: "redis-server")
        var attempts = 0
        while true {
            attempts += 1
            let port = try fixedPort ?? freeLoopbackPort()
            let child = try host.spawn(binary, [
                "--bind", bind, "--port", String(port), "--save", "", "--appendonly", "no",
                "--protected-mode", "no", "--dir", directory, "--daemonize", "no", "--loglevel", "notice",
            ], environment: cleanEnvironment())
            let ready = child.stdout.wait(until: Date().addingTimeInterval(30)) { bytes in
                String(decoding: bytes, as: UTF8.self).contains("Ready to accept connections") ? true : nil
            }
            if ready == true {
                self.child = child
                self.port = port
                return
            }
            let ended = child.waitForExit(timeout: 0)
            if ended == nil { child.stop(grace: 1) }
            if fixedPort == nil, attempts < 5, child.stdout.text.contains("Address already in use") { continue }
            throw HarnessError("redis-server on \(host) port \(port) did not become ready; \(child.output)")
        }
    }

    @discardableResult
    func stop() -> Termination { child.stop() }
}

/// A loopback port that was free a moment ago: bind port 0, read it back, close.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
            guard bind(fd, pointer, length) == 0 else { return -1 }
            return getsockname(fd, pointer, &length)
        }
    }
    guard bound == 0 else { throw HarnessError("bind/getsockname: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
