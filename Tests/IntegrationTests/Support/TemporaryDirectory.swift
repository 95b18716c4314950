import Foundation

/// A fresh directory under the system temporary directory, removed with
/// everything in it when the body returns or throws.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array((NSTemporaryDirectory() + "/tally-it.XXXXXX").utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw HarnessError("mkdtemp failed: errno \(errno)")
    }
    let path = URL(fileURLWithPath: String(cString: made)).standardizedFileURL.path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}
