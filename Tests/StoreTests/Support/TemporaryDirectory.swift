import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A fresh directory under the system temporary directory, removed with
/// everything in it when the value goes away: one per test.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("\(NSTemporaryDirectory())/tally-store-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed: errno \(errno)")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory (nothing is created).
    func file(_ name: String) -> String { path + "/" + name }
}

/// A file's bytes and modification time, to prove that nothing wrote to it.
struct FileSnapshot: Equatable, CustomStringConvertible {
    let bytes: [UInt8]
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    init(path: String) throws {
        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        modifiedSeconds = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
    }

    var description: String { "\(bytes.count) bytes, mtime \(modifiedSeconds).\(modifiedNanoseconds)" }
}

/// True when something exists at `path`.
func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

/// Writes `bytes` to a new file at `path`.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Wall-clock Unix milliseconds, for the SQL views that read `julianday('now')`.
func wallClockMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
