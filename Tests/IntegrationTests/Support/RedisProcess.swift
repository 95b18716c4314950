import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A real `redis-server` for differential tests: no persistence, its own
/// directory, a free port found by binding port 0 (Redis cannot listen on
/// port 0 itself), retried when another process takes the port first.
final class RedisProcess {
    let child: ChildProcess
    let port: Int

    /// `extraArguments` go after the defaults (e.g. `--rename-command LPUSH ""`).
    init(directory: String, extraArguments: [String] = [], startupTimeout: Double = 30) throws {
        let binary = try PackagePaths.tool("redis-server", package: "redis-server")
        var failures: [String] = []
        for _ in 0..<5 {
            let port = try Self.freePort()
            let child = try ChildProcess(binary, [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", directory, "--logfile", "", "--databases", "16",
            ] + extraArguments, workingDirectory: directory)
            let ready = child.stdout.wait(until: Date().addingTimeInterval(startupTimeout)) { bytes in
                String(decoding: bytes, as: UTF8.self).contains("Ready to accept connections") ? true : nil
            }
            if ready == true {
                self.child = child
                self.port = port
                return
            }
            child.kill()
            failures.append(child.stdout.text + child.stderr.text)
        }
        throw HarnessError("redis-server did not start: \(failures.joined(separator: "\n---\n"))")
    }

    /// A port that was free a moment ago: bind 127.0.0.1:0, read the port back, close.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw HarnessError("bind: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw HarnessError("getsockname: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func connect(protocolVersion: Int = 2) throws -> RESPConnection {
        let connection = try RESPConnection(port: port)
        if protocolVersion == 3 { _ = try connection.call(["HELLO", "3"]) }
        return connection
    }

    @discardableResult
    func stop() -> Termination { child.stop() }

    deinit { child.kill() }
}
