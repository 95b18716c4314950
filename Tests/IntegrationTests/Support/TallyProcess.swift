import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A running `tally-server` on an ephemeral port with its own database file.
///
/// Readiness is the start-up log line `level=info msg="listening on …"
/// addr=127.0.0.1:PORT`, read from its standard output with a deadline.
final class TallyProcess {
    let child: ChildProcess
    let port: Int
    let databasePath: String

    /// Starts the server with `--port 0 --db databasePath` plus `arguments`.
    init(databasePath: String, arguments: [String] = [], workingDirectory: String? = nil, startupTimeout: Double = 30) throws {
        let binary = PackagePaths.tallyServer
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("tally-server binary not found at \(binary): run `swift build` first (make test does), or set TALLY_SERVER_BIN")
        }
        self.databasePath = databasePath
        child = try ChildProcess(binary, ["--port", "0", "--db", databasePath] + arguments,
                                 workingDirectory: workingDirectory, environment: Self.environment())
        let found = child.stdout.wait(until: Date().addingTimeInterval(startupTimeout)) { bytes in
            Self.listeningPort(in: String(decoding: bytes, as: UTF8.self))
        }
        guard let found else {
            let ended = child.waitForExit(timeout: 0)
            if ended == nil { child.kill() }
            throw HarnessError("""
                tally-server did not report 'listening on' within \(startupTimeout) s \
                (\(ended.map(\.description) ?? "still running, killed")); \
                stdout: \(child.stdout.text) stderr: \(child.stderr.text)
                """)
        }
        port = found
    }

    /// The environment without TALLY_* variables, so that only the flags configure the server.
    static func environment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TALLY_") }
    }

    /// The port of `addr=HOST:PORT` on the `listening on` line, once it is complete.
    static func listeningPort(in output: String) -> Int? {
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).dropLast() where line.contains("listening on") {
            guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("addr=") }),
                  let colon = field.lastIndex(of: ":") else { continue }
            return Int(field[field.index(after: colon)...].filter(\.isNumber))
        }
        return nil
    }

    /// A new client connection to this server.
    func connect(protocolVersion: Int = 2) throws -> RESPConnection {
        let connection = try RESPConnection(port: port)
        if protocolVersion == 3 { _ = try connection.call(["HELLO", "3"]) }
        return connection
    }

    /// SIGTERM and wait (SIGKILL after a deadline); the exit status.
    @discardableResult
    func stop() -> Termination { child.stop() }

    /// SIGKILL and wait.
    @discardableResult
    func kill() -> Termination { child.kill() }

    deinit { child.kill() }
}
