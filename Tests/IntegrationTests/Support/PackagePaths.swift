import Foundation

/// Where things are, found from this file's own path so that tests work
/// from any working directory `swift test` is started in.
enum PackagePaths {
    /// The package root: this file is `Tests/IntegrationTests/Support/PackagePaths.swift`.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Support
        .deletingLastPathComponent()   // IntegrationTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()

    /// The server under test: `TALLY_SERVER_BIN`, else the debug build.
    static var tallyServer: String {
        if let path = ProcessInfo.processInfo.environment["TALLY_SERVER_BIN"], !path.isEmpty { return path }
        return root.appendingPathComponent(".build/debug/tally-server").path
    }

    /// The differential corpus: one `.txt` script per command family.
    static let corpus = root.appendingPathComponent("Tests/IntegrationTests/Corpus")

    /// The Python compatibility scripts.
    static let compat = root.appendingPathComponent("Tests/compat")

    /// The virtual environment `make test` creates with redis-py.
    static let venvPython = root.appendingPathComponent(".venv/bin/python")

    /// The absolute path of `name` on `PATH`, or an error that names the tool and its package.
    static func tool(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw HarnessError("'\(name)' not found on PATH: install Debian's \(package) (make test does)")
    }
}
