@preconcurrency import Glibc

/// Non-blocking socket operations on raw descriptors, each one system call
/// through `syscall` (EINTR retried, EAGAIN as `.wouldBlock`).
package enum Socket {
    /// Reads up to `maxBytes` and appends them to `buffer`.
    ///
    /// The kernel writes straight into the array's spare capacity (grown
    /// geometrically when short), so a buffer that has reached its working size
    /// reads with no allocation and no copy.
    package static func read(
        _ fd: Int32,
        appendingTo buffer: inout [UInt8],
        maxBytes: Int
    ) throws(SystemError) -> IOResult {
        precondition(maxBytes > 0, "read of \(maxBytes) bytes")
        var outcome = IOResult.wouldBlock
        try buffer.append(addingCapacity: maxBytes) { (span: inout OutputSpan<UInt8>) throws(SystemError) in
            outcome = try span.withUnsafeMutableBufferPointer { (spare, initialized) throws(SystemError) -> IOResult in
                let count = min(spare.count, maxBytes)
                let result: Int?
                do throws(SystemError) {
                    result = try syscall("read", { Glibc.read(fd, spare.baseAddress, count) })
                } catch where error.errno == ECONNRESET {
                    // A reset peer is gone like one that closed; the caller
                    // handles both by closing the connection.
                    return .closed
                }
                guard let result else { return .wouldBlock }
                if result == 0 { return .closed }
                initialized = result
                return .bytes(result)
            }
        }
        return outcome
    }

    /// Writes `bytes` once with `send(…, MSG_NOSIGNAL)`: a closed peer gives
    /// `.closed` instead of raising SIGPIPE.
    package static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> IOResult {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .bytes(0) }
        do throws(SystemError) {
            guard let sent = try syscall("send", { Glibc.send(fd, base, bytes.count, Int32(MSG_NOSIGNAL)) }) else {
                return .wouldBlock
            }
            return .bytes(sent)
        } catch where error.errno == EPIPE || error.errno == ECONNRESET {
            return .closed
        }
    }

    /// Closes `fd`, ignoring errors.
    ///
    /// Never retried on EINTR: Linux releases the descriptor even then, and a
    /// retry could close a number another thread has just been given.
    package static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Sets TCP_NODELAY so small replies leave at once (Nagle would hold them
    /// for the peer's delayed ACK). Errors are ignored: not every socket is TCP.
    package static func setNoDelay(_ fd: Int32) {
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Starts a non-blocking TCP connection to `address` and returns its descriptor.
    ///
    /// The connection is usually still in progress: wait until the descriptor
    /// is writable, then `pendingError(fd)` is 0 on success or the `errno` of
    /// the failure (ECONNREFUSED, ETIMEDOUT…).
    package static func connect(to address: SocketAddress) throws(SystemError) -> Int32 {
        let fd = try makeStreamSocket(family: address.family, call: "socket")
        let rc = address.withSockAddr { pointer, length in Glibc.connect(fd, pointer, length) }
        // EINTR leaves a non-blocking connect running in the background, like
        // EINPROGRESS; calling connect again would only answer EALREADY.
        if rc == 0 || errno == EINPROGRESS || errno == EINTR {
            return fd
        }
        let code = errno
        close(fd)
        throw SystemError(call: "connect \(address)", errno: code)
    }

    /// The socket's pending error (`SO_ERROR`), cleared by reading it; 0 when none.
    package static func pendingError(_ fd: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code
    }

    /// A non-blocking, close-on-exec stream socket.
    static func makeStreamSocket(family: Int32, call: @autoclosure () -> String) throws(SystemError) -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return Int32(try syscallNeverBlocking(call(), { Int(Glibc.socket(family, type, 0)) }))
    }
}
