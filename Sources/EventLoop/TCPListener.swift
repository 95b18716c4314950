@preconcurrency import Glibc
import CSystem

/// A non-blocking listening TCP socket (IPv4 or IPv6).
///
/// Owns its descriptor: `close()` or deinit closes it. Unregister it from the
/// loop first.
package final class TCPListener {
    /// Redis's default `tcp-backlog`; the kernel caps it at `somaxconn`.
    private static let backlog: Int32 = 511

    package let fd: Int32
    /// The bound address, with the real port after binding port 0.
    package let localAddress: SocketAddress
    private var isClosed = false

    /// Binds and listens on `host:port`. `port` 0 takes an ephemeral port
    /// (read it back from `localAddress`); `"::"` listens on IPv6 and, with the
    /// Linux default `IPV6_V6ONLY=0`, on IPv4 too.
    ///
    /// Throws `ResolveError` for a host that does not resolve and
    /// `SystemError` naming the call and address otherwise, e.g.
    /// `bind 127.0.0.1:6379: Address already in use (errno 98)`.
    package init(host: String, port: Int) throws {
        let address = try SocketAddress.resolveForListening(host: host, port: port)
        let fd = try Socket.makeStreamSocket(family: address.family, call: "socket \(address)")
        do {
            // Lets a restarted server bind at once while old connections sit
            // in TIME_WAIT; it does not let two listeners share the port.
            var on: Int32 = 1
            _ = try syscallNeverBlocking("setsockopt SO_REUSEADDR \(address)", {
                Int(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)))
            })
            _ = try syscallNeverBlocking("bind \(address)", {
                Int(address.withSockAddr { pointer, length in bind(fd, pointer, length) })
            })
            _ = try syscallNeverBlocking("listen \(address)", { Int(listen(fd, Self.backlog)) })
            (_, localAddress) = try SocketAddress.filling { (pointer, length) throws(SystemError) in
                _ = try syscallNeverBlocking("getsockname \(address)", { Int(getsockname(fd, pointer, length)) })
            }
        } catch {
            Socket.close(fd)
            throw error
        }
        self.fd = fd
    }

    deinit {
        if !isClosed { Socket.close(fd) }
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec
    /// descriptor; `nil` when none is pending. Call it until `nil` on readiness.
    ///
    /// Connections that died while queued (ECONNABORTED, and the network
    /// errors Linux passes on from the new socket) are skipped, as accept(2)
    /// advises. Every error thrown leaves the listener usable: EMFILE, ENFILE,
    /// ENOBUFS and ENOMEM mean the process is out of descriptors or memory, so
    /// log it and stop accepting for a moment (the queued connection keeps the
    /// level-triggered listener readable, which would otherwise spin the loop).
    package func accept() throws(SystemError) -> (fd: Int32, peer: SocketAddress)? {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        while true {
            do throws(SystemError) {
                let (accepted, peer) = try SocketAddress.filling { (pointer, length) throws(SystemError) in
                    try syscall("accept", { Int(csystem_accept4(fd, pointer, length, flags)) })
                }
                guard let accepted else { return nil }
                return (Int32(accepted), peer)
            } catch where Self.isDeadConnection(error.errno) {
                continue
            }
        }
    }

    /// Closes the listening socket; later calls do nothing.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        Socket.close(fd)
    }

    /// Errors of one queued connection rather than of the listener (accept(2):
    /// "treat them like EAGAIN by retrying").
    private static func isDeadConnection(_ code: Int32) -> Bool {
        switch code {
        case ECONNABORTED, EPROTO, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH:
            true
        default:
            false
        }
    }
}

extension TCPListener {
    /// Stops waiting for connections for `milliseconds`, then resumes unless
    /// the listener was closed meanwhile. For when `accept` fails for want
    /// of descriptors or memory: the connection still queued would otherwise
    /// wake every turn.
    package func pauseAccepting(on loop: EventLoop, milliseconds: Int) {
        try? loop.update(fd, interest: [])
        loop.after(milliseconds: milliseconds) { [weak self] in
            guard let self, !self.isClosed else { return }
            try? loop.update(self.fd, interest: .read)
        }
    }
}
