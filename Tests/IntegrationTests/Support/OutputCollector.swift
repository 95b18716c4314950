import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Drains one pipe from a child process on a thread of its own, so the child
/// never blocks on a full pipe, and lets tests wait for what it printed.
final class OutputCollector: @unchecked Sendable {
    // @unchecked: `bytes` and `finished` are only read or written with `condition` locked.
    private let condition = NSCondition()
    private var bytes: [UInt8] = []
    private var finished = false

    /// Takes ownership of `fd`, the read end of a pipe, and closes it at end of stream.
    init(fileDescriptor fd: Int32) {
        let thread = Thread { [self] in
            defer { close(fd) }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                condition.lock()
                if count > 0 { bytes.append(contentsOf: chunk[0..<count]) } else { finished = true }
                condition.broadcast()
                condition.unlock()
                if count <= 0 { return }
            }
        }
        thread.start()
    }

    /// Everything read so far.
    var data: [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        return bytes
    }

    var text: String { String(decoding: data, as: UTF8.self) }

    /// Waits until `predicate` finds something in the output (or the pipe
    /// closes, or `deadline` passes) and returns what it found.
    func wait<T>(until deadline: Date, for predicate: ([UInt8]) -> T?) -> T? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let found = predicate(bytes) { return found }
            if finished { return nil }
            if !condition.wait(until: deadline) { return predicate(bytes) }
        }
    }

    /// Waits for the writer to close the pipe; false when `deadline` passed first.
    @discardableResult
    func waitForEnd(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            if !condition.wait(until: deadline) { return finished }
        }
        return true
    }
}
