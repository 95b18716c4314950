@preconcurrency import Glibc
import EventLoop
import Testing

/// Runs `loop` until something stops it, failing the test (and stopping the
/// loop) if that takes longer than `timeoutMilliseconds`.
func runUntilStopped(
    _ loop: EventLoop,
    timeoutMilliseconds: Int = 5000,
    endOfTurn: () -> Void = {},
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    var timedOut = false
    let deadline = loop.after(milliseconds: timeoutMilliseconds) {
        timedOut = true
        loop.stop()
    }
    try loop.run(endOfTurn: endOfTurn)
    // Also breaks the loop -> timer -> closure -> loop cycle.
    loop.cancel(deadline)
    #expect(!timedOut, "loop still running after \(timeoutMilliseconds) ms", sourceLocation: sourceLocation)
}

/// Runs `body` inside a handler or timer, recording a thrown error as a test
/// issue and stopping the loop instead of crashing it.
func failOnError(_ loop: EventLoop, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
    } catch {
        Issue.record(error, sourceLocation: sourceLocation)
        loop.stop()
    }
}

/// A connected pair of non-blocking Unix stream sockets.
func makeSocketPair() throws -> (Int32, Int32) {
    var fds: [Int32] = [-1, -1]
    let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    guard socketpair(AF_UNIX, type, 0, &fds) == 0 else {
        throw SystemError(call: "socketpair", errno: errno)
    }
    return (fds[0], fds[1])
}

/// The local address of a socket, as the peer's `accept` reports it.
func localAddress(of fd: Int32) throws -> SocketAddress {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let rc = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard rc == 0 else { throw SystemError(call: "getsockname", errno: errno) }
    return withUnsafePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0, length: length) }
    }
}

/// Writes all of `bytes` to a socket that has room for them (small test messages).
func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    let result = try bytes.withUnsafeBytes { try Socket.write(fd, $0) }
    #expect(result == .bytes(bytes.count))
}
