import Foundation
import RESP
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Helpers shared by the durability tests (crash, disk full, external
/// writer, fsync order, expiry, INFO persistence).
enum Durability {
    /// The fields of one INFO section (`INFO persistence` → `tally_fsync` → `always`).
    static func info(_ connection: RESPConnection, section: String) throws -> [String: String] {
        let reply = try connection.call("INFO", section)
        guard let text = reply.stringValue else { throw HarnessError("INFO \(section) answered \(reply)") }
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return fields
    }

    /// One integer field of an INFO section, or an error naming what was there instead.
    static func infoInteger(_ connection: RESPConnection, section: String, field: String) throws -> Int64 {
        let fields = try info(connection, section: section)
        guard let text = fields[field], let value = Int64(text) else {
            throw HarnessError("INFO \(section) has no integer \(field): \(fields)")
        }
        return value
    }

    /// Runs `sqlite3 database sql…` to its end; its standard output, or an error with its stderr.
    /// With a busy timeout, as the server's writes may hold the lock for a moment.
    @discardableResult
    static func sqlite(_ database: String, _ statements: String..., timeout: Double = 60) throws -> String {
        let tool = try PackagePaths.tool("sqlite3", package: "sqlite3")
        let output = try runProgram(tool, [database, ".timeout 10000"] + statements, timeout: timeout)
        guard output.termination == .exited(0) else {
            throw HarnessError("sqlite3 \(database) \(statements) ended with \(output.termination): \(output.stdout) \(output.stderr)")
        }
        return output.stdout
    }

    /// `PRAGMA integrity_check` through the sqlite3 shell (a separate process, as an operator would run it).
    static func integrityCheck(_ database: String) throws -> String {
        try sqlite(database, "PRAGMA integrity_check").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `condition` every `interval` seconds until it holds or `timeout`
    /// seconds pass; whether it held. Polling with a deadline, never a sleep
    /// standing in for an event.
    static func poll(timeout: Double, interval: Double = 0.02, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return true }
            if Date() >= deadline { return false }
            usleep(UInt32(interval * 1_000_000))
        }
    }

    /// Seconds of CLOCK_MONOTONIC.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Unix time in milliseconds.
    static func wallMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// The integer a reply carries (`:5` or `$1\r\n5`), or nil.
    static func integer(_ value: RESPValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .bulkString(let bytes): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    /// A seed from the environment variable `name` (decimal), else a fresh random one.
    static func seed(from name: String) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment[name], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }

    /// A positive integer from the environment variable `name`, else `fallback`.
    static func count(from name: String, default fallback: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment[name], let value = Int(text), value > 0 else { return fallback }
        return value
    }

    /// Whether this process may mount file systems (root); tests that need it fail with this message otherwise.
    static func requireRoot(for purpose: String) throws {
        guard geteuid() == 0 else {
            throw HarnessError("\(purpose) needs root (it mounts a tmpfs with mount(2)); run the tests as root, as make test and CI do")
        }
    }
}

/// SplitMix64: a small deterministic generator, so a failing round can be
/// replayed from the seed the test prints.
struct DurabilityRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
