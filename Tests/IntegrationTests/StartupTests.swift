import Foundation
import RESP
import Testing

/// Start-up from another directory, and the refusals: each a one-line error
/// on standard error and a failing exit code, and a database left untouched.
@Suite("Start-up and refusals")
struct StartupTests {
    @Test("runs from another working directory with a relative --db (migrations are embedded)")
    func otherWorkingDirectory() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: "data/relative.db", workingDirectory: directory)
            defer { tally.stop() }
            let connection = try tally.connect()
            #expect(try connection.call("INCR", "hits") == .integer(1))
            #expect(try connection.call("SET", "k", "v") == .simpleString("OK"))
            #expect(FileManager.default.fileExists(atPath: directory + "/data/relative.db"))
            let sqlite = try PackagePaths.tool("sqlite3", package: "sqlite3")
            let read = try runProgram(sqlite, [directory + "/data/relative.db", "select value from counters where key='hits'"])
            #expect(read.stdout == "1\n")
        }
    }

    /// Runs tally-server to its exit with `arguments`, which must make it refuse to start.
    private func refusal(_ arguments: [String]) throws -> ProgramOutput {
        let binary = PackagePaths.tallyServer
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("tally-server binary not found at \(binary): run `swift build` first, or set TALLY_SERVER_BIN")
        }
        return try runProgram(binary, arguments, environment: TallyProcess.environment(), timeout: 20)
    }

    /// Standard error holds exactly one non-empty line.
    private func expectOneLine(_ stderr: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && !lines[0].isEmpty && lines[1].isEmpty,
                "expected one line on stderr, got \(stderr.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test("a file that is not SQLite is refused and left unchanged")
    func notSQLite() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/not.db"
            let content = Array(String(repeating: "this is a text file, not a database\n", count: 200).utf8)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
            let output = try refusal(["--port", "0", "--db", path])
            #expect(output.termination != .exited(0))
            expectOneLine(output.stderr)
            #expect(!output.stdout.contains("listening on"))
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == content)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test("a database whose user_version is newer than the binary is refused and left unchanged")
    func newerSchema() throws {
        let sqlite = try PackagePaths.tool("sqlite3", package: "sqlite3")
        try withTemporaryDirectory { directory in
            let path = directory + "/t.db"
            // A real Tally database first, then marked as written by a future release.
            let tally = try TallyProcess(databasePath: path)
            try tally.connect().call("SET", "kept", "yes")
            #expect(tally.stop() == .exited(0))
            let marked = try runProgram(sqlite, [path, "PRAGMA user_version=99; PRAGMA wal_checkpoint(TRUNCATE);"])
            #expect(marked.termination == .exited(0), "\(marked.stderr)")
            let before = Array(try Data(contentsOf: URL(fileURLWithPath: path)))

            let output = try refusal(["--port", "0", "--db", path])
            #expect(output.termination != .exited(0))
            expectOneLine(output.stderr)
            #expect(output.stderr.contains("99"), "the error should name the version: \(output.stderr)")
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == before)
            let version = try runProgram(sqlite, [path, "PRAGMA user_version"])
            #expect(version.stdout == "99\n")
        }
    }

    @Test("a taken port exits 1 with 'Address already in use'")
    func portTaken() throws {
        try withTemporaryDirectory { directory in
            let listener = try ListeningSocket()
            defer { listener.close() }
            let output = try refusal(["--port", String(listener.port), "--db", directory + "/t.db"])
            #expect(output.termination == .exited(1))
            expectOneLine(output.stderr)
            #expect(output.stderr.contains("Address already in use"), "\(output.stderr)")
        }
    }

    @Test("an unwritable database path exits 1 with one line")
    func unwritablePath() throws {
        let output = try refusal(["--port", "0", "--db", "/proc/nope/t.db"])
        #expect(output.termination == .exited(1))
        expectOneLine(output.stderr)
        #expect(output.stderr.contains("/proc/nope"), "the error should name the path: \(output.stderr)")
    }

    @Test("an unknown flag exits non-zero with one line")
    func unknownFlag() throws {
        let output = try refusal(["--no-such-flag"])
        #expect(output.termination != .exited(0))
        expectOneLine(output.stderr)
    }

    @Test("--version and --help answer and exit 0")
    func versionAndHelp() throws {
        let version = try refusal(["--version"])
        #expect(version.termination == .exited(0))
        #expect(version.stdout.hasPrefix("tally-server "))
        let help = try refusal(["--help"])
        #expect(help.termination == .exited(0))
        #expect(help.stdout.contains("--port"))
        #expect(help.stdout.contains("--db"))
        #expect(help.stdout.contains("--fsync"))
    }
}

/// A socket listening on an ephemeral port of 127.0.0.1, to take a port away from the server.
final class ListeningSocket {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            Glibc.close(fd)
            throw HarnessError("bind/listen: errno \(errno)")
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
