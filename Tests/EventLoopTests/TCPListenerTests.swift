@preconcurrency import Glibc
import EventLoop
import Testing

@Suite("TCPListener")
struct TCPListenerTests {
    @Test("port 0 binds an ephemeral port that localAddress reports")
    func ephemeralPort() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let address = listener.localAddress
        #expect(address.host == "127.0.0.1")
        #expect(address.port > 0)
        #expect(address.description == "127.0.0.1:\(address.port)")
    }

    @Test("an IPv6 address is accepted")
    func ipv6() throws {
        let listener = try TCPListener(host: "::1", port: 0)
        let address = listener.localAddress
        #expect(address.family == AF_INET6)
        #expect(address.description == "[::1]:\(address.port)")
    }

    @Test("a listener on \"::\" also accepts IPv4 connections (Linux's IPV6_V6ONLY=0)")
    func dualStack() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(host: "::", port: 0)
        let target = try #require(SocketAddress.resolve(host: "127.0.0.1", port: listener.localAddress.port).first)
        let client = try Socket.connect(to: target)
        defer { Socket.close(client) }
        var peer: SocketAddress?
        try loop.register(listener.fd, interest: .read, handler: ClosureHandler { _, loop in
            failOnError(loop) {
                guard let connection = try listener.accept() else { return }
                Socket.close(connection.fd)
                peer = connection.peer
                loop.stop()
            }
        })
        try runUntilStopped(loop)
        #expect(peer?.host == "::ffff:127.0.0.1")
    }

    @Test("binding a port in use throws an error naming bind, the address and the reason")
    func portInUse() throws {
        let first = try TCPListener(host: "127.0.0.1", port: 0)
        let port = first.localAddress.port
        let error = try #require(throws: SystemError.self) {
            _ = try TCPListener(host: "127.0.0.1", port: port)
        }
        #expect(error.errno == EADDRINUSE)
        #expect(error.call == "bind 127.0.0.1:\(port)")
        #expect(error.description == "bind 127.0.0.1:\(port): Address already in use (errno \(EADDRINUSE))")
    }

    @Test("accept returns nil when no connection is pending")
    func acceptWithNothingPending() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        #expect(try listener.accept() == nil)
    }

    @Test("many connections are all accepted, each with its client's address")
    func acceptMany() throws {
        let count = 100
        let loop = try EventLoop()
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        var clients: Set<SocketAddress> = []
        var clientFDs: [Int32] = []
        defer { clientFDs.forEach(Socket.close) }
        for _ in 0..<count {
            let fd = try Socket.connect(to: listener.localAddress)
            clientFDs.append(fd)
        }

        var accepted: [(fd: Int32, peer: SocketAddress)] = []
        defer { accepted.forEach { Socket.close($0.fd) } }
        var acceptEvents = 0
        try loop.register(listener.fd, interest: .read, handler: ClosureHandler { _, loop in
            failOnError(loop) {
                acceptEvents += 1
                while let connection = try listener.accept() {
                    accepted.append(connection)
                }
                if accepted.count == count { loop.stop() }
            }
        })
        try runUntilStopped(loop)

        // Connects finish in the background; their local ports are known by now.
        for fd in clientFDs {
            clients.insert(try localAddress(of: fd))
        }
        #expect(accepted.count == count)
        #expect(Set(accepted.map(\.peer)) == clients)
        #expect(accepted.allSatisfy { $0.peer.host == "127.0.0.1" })
        #expect(acceptEvents <= count)
        // Accepted descriptors are non-blocking and close-on-exec.
        for connection in accepted {
            #expect(fcntl(connection.fd, F_GETFL) & O_NONBLOCK != 0)
            #expect(fcntl(connection.fd, F_GETFD) & FD_CLOEXEC != 0)
        }
    }

    @Test("close releases the port for a new listener")
    func closeReleasesPort() throws {
        let first = try TCPListener(host: "127.0.0.1", port: 0)
        let port = first.localAddress.port
        first.close()
        first.close()
        let second = try TCPListener(host: "127.0.0.1", port: port)
        #expect(second.localAddress.port == port)
    }
}
