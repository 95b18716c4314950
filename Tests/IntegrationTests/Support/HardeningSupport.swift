import Foundation
import RESP
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A `tally-server` started with exactly the given arguments and environment
/// (no implied `--port 0 --db`), optionally inside a network namespace: for
/// config files, environment variables and non-loopback peers.
final class HardeningServer {
    let child: ChildProcess
    let port: Int

    /// `environment` is added to the inherited one stripped of TALLY_* variables.
    /// `workingDirectory` keeps relative defaults (`data/tally.db`) out of the package
    /// should a test's configuration not be applied.
    init(arguments: [String], environment extra: [String: String] = [:], namespace: String? = nil,
         workingDirectory: String? = nil, startupTimeout: Double = 30) throws {
        let binary = PackagePaths.tallyServer
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("tally-server binary not found at \(binary): run `swift build` first, or set TALLY_SERVER_BIN")
        }
        var environment = TallyProcess.environment()
        environment.merge(extra) { $1 }
        if let namespace {
            // `ip netns exec` execs in place: the pid is the server's own.
            let ip = try Hardening.tool("ip", package: "iproute2")
            child = try ChildProcess(ip, ["netns", "exec", namespace, binary] + arguments,
                                     workingDirectory: workingDirectory, environment: environment)
        } else {
            child = try ChildProcess(binary, arguments, workingDirectory: workingDirectory, environment: environment)
        }
        let found = child.stdout.wait(until: Date().addingTimeInterval(startupTimeout)) { bytes in
            TallyProcess.listeningPort(in: String(decoding: bytes, as: UTF8.self))
        }
        guard let found else {
            let ended = child.waitForExit(timeout: 0)
            if ended == nil { child.kill() }
            throw HarnessError("""
                tally-server \(arguments.joined(separator: " ")) did not report 'listening on' within \(startupTimeout) s \
                (\(ended.map(\.description) ?? "still running, killed")); stdout: \(child.stdout.text) stderr: \(child.stderr.text)
                """)
        }
        port = found
    }

    var pid: pid_t { child.pid }

    func connect(timeout: Double = 15) throws -> RESPConnection {
        try RESPConnection(port: port, timeout: timeout)
    }

    @discardableResult
    func stop() -> Termination { child.stop() }

    deinit { child.kill() }
}

/// A real `redis-server` with extra arguments (a password, a slow log threshold,
/// a bind address in a namespace), for comparing replies byte for byte.
final class HardeningRedis {
    let child: ChildProcess
    let port: Int

    init(directory: String, arguments: [String] = [], bind: String = "127.0.0.1", fixedPort: Int? = nil,
         namespace: String? = nil) throws {
        let binary = try PackagePaths.tool("redis-server", package: "redis-server")
        var failures: [String] = []
        for _ in 0..<5 {
            let port = try fixedPort ?? RedisProcess.freePort()
            let base = [binary, "--port", String(port), "--bind", bind, "--save", "", "--appendonly", "no",
                        "--daemonize", "no", "--dir", directory, "--logfile", ""] + arguments
            let child: ChildProcess
            if let namespace {
                let ip = try Hardening.tool("ip", package: "iproute2")
                child = try ChildProcess(ip, ["netns", "exec", namespace] + base)
            } else {
                child = try ChildProcess(base[0], Array(base.dropFirst()), workingDirectory: directory)
            }
            let ready = child.stdout.wait(until: Date().addingTimeInterval(30)) { bytes in
                String(decoding: bytes, as: UTF8.self).contains("Ready to accept connections") ? true : nil
            }
            if ready == true {
                self.child = child
                self.port = port
                return
            }
            child.kill()
            failures.append(child.stdout.text + child.stderr.text)
            if fixedPort != nil { break }
        }
        throw HarnessError("redis-server \(arguments) did not start: \(failures.joined(separator: "\n---\n"))")
    }

    func connect() throws -> RESPConnection { try RESPConnection(port: port) }

    deinit { child.kill() }
}

/// A raw client socket with deadlines: for peers that misbehave (garbage,
/// never reading), connections opened inside a network namespace, and
/// checking that the server closed the connection.
final class HardeningSocket: @unchecked Sendable {
    // @unchecked: one test thread uses a socket at a time; `fd` never changes.
    let fd: Int32
    private var buffer: [UInt8] = []
    private var parser = ReplyParser()
    private(set) var peerClosed = false
    private var isClosed = false

    /// Takes ownership of a connected descriptor.
    init(fd: Int32) { self.fd = fd }

    /// Connects to `host:port` from this process's network namespace, or from
    /// `namespace` (a name under /run/netns) when given.
    convenience init(host: String = "127.0.0.1", port: Int, namespace: String? = nil, timeout: Double = 10) throws {
        if let namespace {
            self.init(fd: try Hardening.connectInNamespace(namespace, host: host, port: port, timeout: timeout))
        } else {
            self.init(fd: try Hardening.connect(host: host, port: port, timeout: timeout))
        }
    }

    deinit { close() }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(fd)
    }

    /// Writes all of `bytes`; false when the peer reset or closed the connection first.
    @discardableResult
    func send(_ bytes: [UInt8]) throws -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE || errno == ECONNRESET { return false }
                throw HarnessError("send: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) throws -> Bool { try send(Array(text.utf8)) }

    /// Everything received until the peer closes; throws if it is still open after `timeout` seconds.
    func readUntilClose(timeout: Double = 10) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        while !peerClosed {
            guard try receive(until: deadline) else {
                throw HarnessError("connection still open after \(timeout) s; received \(Bytes.escaped(buffer.prefix(300)))")
            }
        }
        defer { buffer.removeAll() }
        return buffer
    }

    /// True when the peer closes within `timeout` seconds (what it sent meanwhile is kept).
    func closes(within timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !peerClosed {
            guard try receive(until: deadline) else { return false }
        }
        return true
    }

    /// The next reply, decoded.
    func readReply(timeout: Double = 10) throws -> RESPValue {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let parsed = try buffer.withUnsafeBytes { bytes throws(ReplyParseError) in try parser.parse(bytes) }
            if let (value, length) = parsed {
                buffer.removeFirst(length)
                return value
            }
            guard !peerClosed else { throw HarnessError("closed before a whole reply; got \(Bytes.escaped(buffer.prefix(300)))") }
            guard try receive(until: deadline) else {
                throw HarnessError("no reply within \(timeout) s; got \(Bytes.escaped(buffer.prefix(300)))")
            }
        }
    }

    /// Sends one command and reads its reply.
    @discardableResult
    func call(_ arguments: String..., timeout: Double = 10) throws -> RESPValue {
        try send(encodeCommand(arguments))
        return try readReply(timeout: timeout)
    }

    /// Reads and discards exactly `count` bytes; false when the peer closed or the deadline passed first.
    func discard(_ count: Int, timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var remaining = count - buffer.count
        buffer.removeAll()
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while remaining > 0 {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return false }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left * 1000 + 1, 1000)))
            if ready <= 0 { continue }
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min($0.count, remaining), 0) }
            if received < 0 && errno == EINTR { continue }
            if received <= 0 { return false }
            remaining -= received
        }
        return true
    }

    /// Reads what is available, waiting until `deadline`; false when nothing came in time.
    private func receive(until deadline: Date) throws -> Bool {
        guard !isClosed, !peerClosed else { return false }
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return false }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000 + 1, 60_000)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count < 0 && errno == EINTR { continue }
            if count == 0 || errno == ECONNRESET {
                peerClosed = true
                return true
            }
            throw HarnessError("recv: \(String(cString: strerror(errno)))")
        }
    }
}

/// Helpers for the hardening and operations tests.
enum Hardening {
    /// A tool on PATH or in the sbin directories (`ip` lives in /usr/sbin).
    static func tool(_ name: String, package: String) throws -> String {
        for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return try PackagePaths.tool(name, package: package)
    }

    /// A blocking TCP connect with a deadline; the connected descriptor.
    static func connect(host: String, port: Int, timeout: Double) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let error = errno
            Glibc.close(fd)
            throw HarnessError("connect to \(host):\(port): \(String(cString: strerror(error)))")
        }
        var none = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Connects from inside network namespace `namespace`: a thread of its own
    /// joins it (setns changes only the calling thread), makes the socket and
    /// ends; the socket stays in that namespace for whoever holds it.
    static func connectInNamespace(_ namespace: String, host: String, port: Int, timeout: Double) throws -> Int32 {
        let result = Locked<Result<Int32, HarnessError>?>(nil)
        Thread {
            let outcome = Result { () throws(HarnessError) -> Int32 in
                let nsFD = open("/run/netns/\(namespace)", O_RDONLY | O_CLOEXEC)
                guard nsFD >= 0 else { throw HarnessError("open /run/netns/\(namespace): \(String(cString: strerror(errno)))") }
                defer { Glibc.close(nsFD) }
                guard let setns = setNamespace else { throw HarnessError("setns not found in the C library") }
                guard setns(nsFD, cloneNewNet) == 0 else { throw HarnessError("setns \(namespace): \(String(cString: strerror(errno)))") }
                do { return try connect(host: host, port: port, timeout: timeout) } catch let error as HarnessError {
                    throw error
                } catch {
                    throw HarnessError("\(error)")
                }
            }
            result.withLock { $0 = outcome }
        }.start()
        guard result.wait(until: Date().addingTimeInterval(timeout + 5), for: { $0 != nil }) else {
            throw HarnessError("connecting from namespace \(namespace) did not finish within \(timeout + 5) s")
        }
        return try result.withLock { $0! }.get()
    }

    private static let cloneNewNet: Int32 = 0x4000_0000
    /// glibc's `setns`, looked up at run time: Swift's Glibc module hides the _GNU_SOURCE declarations.
    private static let setNamespace: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "setns") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()

    /// Resident set size of process `pid` in bytes (VmRSS), or nil once it is gone.
    static func residentBytes(of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return digits.map { $0 * 1024 }
        }
        return nil
    }

    /// Open descriptors of process `pid`.
    static func openDescriptors(of pid: pid_t) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// Seconds on CLOCK_MONOTONIC.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Sends `signal` to `child` and measures, on this thread, how long it takes to exit.
    static func timeToExit(_ child: ChildProcess, after signal: Int32, timeout: Double) -> (Termination?, Double) {
        let start = now()
        child.signal(signal)
        let ended = child.waitForExit(timeout: timeout)
        return (ended, now() - start)
    }

    /// INFO as `field → value`, from every section asked for, and the section headers seen.
    static func info(_ connection: RESPConnection, _ sections: String...) throws -> (fields: [String: String], headers: [String]) {
        let reply = try connection.call(["INFO"] + sections)
        guard let text = reply.stringValue else { throw HarnessError("INFO answered \(reply)") }
        var fields: [String: String] = [:], headers: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("# ") {
                headers.append(String(line.dropFirst(2)))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return (fields, headers)
    }

    /// A unique marker for payload-leak checks.
    static func marker(_ label: String) -> String {
        "\(label)\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
    }
}

/// Two network namespaces joined by a veth pair, for peers that are not on
/// loopback: `server` holds 10.214.0.1/24 and `client` 10.214.0.2/24. Only
/// inside these namespaces: nothing is added to the host's network. Torn down
/// when released; namespaces left by a process that died are swept first.
final class HardeningNetwork {
    static let serverAddress = "10.214.0.1"
    static let clientAddress = "10.214.0.2"
    static let prefix = "thard"
    private static let counter = Mutex(0)

    let server: String
    let client: String

    init() throws {
        guard geteuid() == 0 else {
            throw HarnessError("""
                this test needs root: it creates network namespaces (ip netns add) with a veth pair \
                in 10.214.0.0/24 for a non-loopback client; run `swift test` as root (CI does)
                """)
        }
        let ip = try Hardening.tool("ip", package: "iproute2")
        Self.sweep(ip: ip)
        let number = Self.counter.withLock { count in
            count += 1
            return count
        }
        let id = "\(Self.prefix)-\(getpid())-\(number)"
        server = "\(id)-srv"
        client = "\(id)-cli"
        do {
            try Self.ip(ip, ["netns", "add", server])
            try Self.ip(ip, ["netns", "add", client])
            try Self.ip(ip, ["-n", server, "link", "set", "lo", "up"])
            try Self.ip(ip, ["-n", client, "link", "set", "lo", "up"])
            // Both ends are created inside their namespaces: no device ever appears on the host.
            try Self.ip(ip, ["link", "add", "eth0", "netns", server, "type", "veth", "peer", "name", "eth0", "netns", client])
            try Self.ip(ip, ["-n", server, "address", "add", "\(Self.serverAddress)/24", "dev", "eth0"])
            try Self.ip(ip, ["-n", client, "address", "add", "\(Self.clientAddress)/24", "dev", "eth0"])
            try Self.ip(ip, ["-n", server, "link", "set", "eth0", "up"])
            try Self.ip(ip, ["-n", client, "link", "set", "eth0", "up"])
        } catch {
            Self.remove([server, client], ip: ip)
            throw error
        }
    }

    deinit {
        if let ip = try? Hardening.tool("ip", package: "iproute2") { Self.remove([server, client], ip: ip) }
    }

    private static func ip(_ ip: String, _ arguments: [String]) throws {
        let output = try runProgram(ip, arguments, timeout: 30)
        guard output.termination == .exited(0) else {
            throw HarnessError("ip \(arguments.joined(separator: " ")) failed (\(output.termination)): \(output.stderr)")
        }
    }

    /// Kills what still runs in the namespaces, then deletes them.
    private static func remove(_ namespaces: [String], ip: String) {
        for namespace in namespaces where FileManager.default.fileExists(atPath: "/run/netns/\(namespace)") {
            let pids = (try? runProgram(ip, ["netns", "pids", namespace], timeout: 10))?.stdout
                .split(separator: "\n").compactMap { pid_t($0) } ?? []
            for pid in pids { _ = Glibc.kill(pid, SIGKILL) }
            _ = try? runProgram(ip, ["netns", "delete", namespace], timeout: 30)
        }
    }

    /// Namespaces `thard-PID-N-*` whose PID no longer runs.
    private static func sweep(ip: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        for name in names where name.hasPrefix(prefix + "-") {
            let parts = name.split(separator: "-")
            guard parts.count == 4, let pid = pid_t(parts[1]), Glibc.kill(pid, 0) != 0 else { continue }
            remove([name], ip: ip)
        }
    }
}

/// One logfmt line parsed: `level=info msg="listening on …" addr=127.0.0.1:6379`.
enum Logfmt {
    /// The key/value pairs, or nil when the line is not logfmt (a bare word, an
    /// unterminated quote, an unescaped control character).
    static func parse(_ line: Substring) -> [(key: String, value: String)]? {
        var pairs: [(String, String)] = []
        var index = line.startIndex
        func isKeyCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" }
        while index < line.endIndex {
            guard line[index] != " " else {
                index = line.index(after: index)
                continue
            }
            let keyStart = index
            while index < line.endIndex, isKeyCharacter(line[index]) { index = line.index(after: index) }
            guard index > keyStart, index < line.endIndex, line[index] == "=" else { return nil }
            let key = String(line[keyStart..<index])
            index = line.index(after: index)
            var value = ""
            if index < line.endIndex, line[index] == "\"" {
                index = line.index(after: index)
                var closed = false
                while index < line.endIndex {
                    let c = line[index]
                    if c == "\"" {
                        closed = true
                        index = line.index(after: index)
                        break
                    }
                    if c == "\\" {
                        index = line.index(after: index)
                        guard index < line.endIndex else { return nil }
                    } else if c.unicodeScalars.contains(where: { $0.value < 32 }) {
                        return nil
                    }
                    value.append(line[index])
                    index = line.index(after: index)
                }
                guard closed, index == line.endIndex || line[index] == " " else { return nil }
            } else {
                while index < line.endIndex, line[index] != " " {
                    let c = line[index]
                    guard c != "\"", !c.unicodeScalars.contains(where: { $0.value < 32 }) else { return nil }
                    value.append(c)
                    index = line.index(after: index)
                }
            }
            pairs.append((key, value))
        }
        return pairs
    }
}
