import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where the package, its binaries and its tools are.
enum Paths {
    /// The package root: three levels above this file (Tests/WebIntegrationTests/Support/).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func inPackage(_ relative: String) -> String {
        packageRoot.appendingPathComponent(relative).path
    }

    /// `TALLY_SERVER_BIN`, else `.build/debug/tally-server`.
    static var tallyServer: String { binary("tally-server", variable: "TALLY_SERVER_BIN") }
    /// `TALLY_WEB_BIN`, else `.build/debug/tally-web`.
    static var tallyWeb: String { binary("tally-web", variable: "TALLY_WEB_BIN") }

    private static func binary(_ name: String, variable: String) -> String {
        if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty { return path }
        return inPackage(".build/debug/\(name)")
    }

    /// A built binary, or an error telling how to build it.
    static func requireBinary(_ path: String, name: String, variable: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("\(name) not found at \(path): run `swift build` first (make test does), or set \(variable)")
        }
        return path
    }

    static func requireTallyServer() throws -> String {
        try requireBinary(tallyServer, name: "tally-server", variable: "TALLY_SERVER_BIN")
    }

    static func requireTallyWeb() throws -> String {
        try requireBinary(tallyWeb, name: "tally-web", variable: "TALLY_WEB_BIN")
    }

    /// The Python virtual environment holding compat/requirements.txt: `TALLY_VENV`, else `.venv`.
    static var venv: String {
        if let path = ProcessInfo.processInfo.environment["TALLY_VENV"], !path.isEmpty { return path }
        return inPackage(".venv")
    }

    /// A program from the venv (compat/requirements.txt), failing with a message naming it.
    static func venvTool(_ name: String, package: String) throws -> String {
        let path = "\(venv)/bin/\(name)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("""
                \(name) not found at \(path): install the PyPI package \(package) with \
                `\(venv)/bin/pip install -r compat/requirements.txt` (make does), or set TALLY_VENV
                """)
        }
        return path
    }

    /// A program on PATH (or in /usr/sbin, /sbin), failing with a message naming it and its Debian package.
    static func systemTool(_ name: String, debianPackage: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw HarnessError("\(name) not found on PATH: install the Debian package \(debianPackage) (apt-get install \(debianPackage))")
    }
}

/// A failure of the test harness itself (a missing tool, a process that did not start).
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A directory under the system temporary directory, removed when released.
final class TemporaryDirectory: Sendable {
    let path: String

    init(_ prefix: String = "tally-web-tests") throws {
        var template = Array("\(NSTemporaryDirectory())/\(prefix).XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("mkdtemp failed: errno \(errno)")
        }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Polls `body` until it returns a value or `timeout` seconds pass: no sleeping as synchronisation.
func poll<T>(timeout: Double, every interval: Double = 0.05, _ body: () throws -> T?) rethrows -> T? {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if let value = try body() { return value }
        if Date() >= deadline { return nil }
        Thread.sleep(forTimeInterval: interval)
    }
}

/// True when the tests run as root (network namespaces need it).
var isRoot: Bool { geteuid() == 0 }
