@preconcurrency import Glibc
import EventLoop
import Testing

@Suite("Socket")
struct SocketTests {
    @Test("bytes sent through an echo server on the loop come back unchanged")
    func echo() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        var server: EchoConnection?
        try loop.register(listener.fd, interest: .read, handler: ClosureHandler { _, loop in
            failOnError(loop) {
                while let (fd, _) = try listener.accept() {
                    let connection = EchoConnection(fd: fd)
                    server = connection
                    try loop.register(fd, interest: .read, handler: connection)
                }
            }
        })

        let message = Array("PING with some payload\r\n".utf8)
        var echoed: [UInt8] = []
        let client = try Socket.connect(to: listener.localAddress)
        defer { Socket.close(client) }
        Socket.setNoDelay(client)
        try loop.register(client, interest: .write, handler: ClosureHandler { events, loop in
            failOnError(loop) {
                if events.isWritable {
                    #expect(Socket.pendingError(client) == 0)
                    try writeAll(client, message)
                    try loop.update(client, interest: .read)
                } else if events.isReadable {
                    #expect(try Socket.read(client, appendingTo: &echoed, maxBytes: 4096) != .wouldBlock)
                    if echoed.count >= message.count { loop.stop() }
                }
            }
        })

        try runUntilStopped(loop)
        #expect(echoed == message)
        #expect(server != nil)
    }

    @Test("read appends to what the buffer holds, reads at most maxBytes, and reports would-block")
    func readAppends() throws {
        let (reader, writer) = try makeSocketPair()
        defer { Socket.close(reader); Socket.close(writer) }
        var buffer: [UInt8] = [1, 2]
        #expect(try Socket.read(reader, appendingTo: &buffer, maxBytes: 8) == .wouldBlock)
        #expect(buffer == [1, 2])

        try writeAll(writer, [3, 4, 5, 6, 7])
        #expect(try Socket.read(reader, appendingTo: &buffer, maxBytes: 3) == .bytes(3))
        #expect(try Socket.read(reader, appendingTo: &buffer, maxBytes: 100) == .bytes(2))
        #expect(buffer == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test("read reports .closed at EOF after the remaining data")
    func readEOF() throws {
        let (reader, writer) = try makeSocketPair()
        defer { Socket.close(reader) }
        try writeAll(writer, [42])
        Socket.close(writer)
        var buffer: [UInt8] = []
        #expect(try Socket.read(reader, appendingTo: &buffer, maxBytes: 16) == .bytes(1))
        #expect(try Socket.read(reader, appendingTo: &buffer, maxBytes: 16) == .closed)
        #expect(buffer == [42])
    }

    @Test("the server sees EOF when a TCP client half-closes, after its last bytes")
    func tcpEOF() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        var received: [UInt8] = []
        var results: [IOResult] = []
        try loop.register(listener.fd, interest: .read, handler: ClosureHandler { _, loop in
            failOnError(loop) {
                guard let (fd, _) = try listener.accept() else { return }
                try loop.register(fd, interest: .read, handler: ClosureHandler { _, loop in
                    failOnError(loop) {
                        let result = try Socket.read(fd, appendingTo: &received, maxBytes: 1024)
                        results.append(result)
                        if result == .closed {
                            loop.unregister(fd)
                            Socket.close(fd)
                            loop.stop()
                        }
                    }
                })
            }
        })

        let client = try Socket.connect(to: listener.localAddress)
        defer { Socket.close(client) }
        try loop.register(client, interest: .write, handler: ClosureHandler { _, loop in
            failOnError(loop) {
                try writeAll(client, Array("bye".utf8))
                #expect(shutdown(client, Int32(SHUT_WR)) == 0)
                loop.unregister(client)
            }
        })

        try runUntilStopped(loop)
        #expect(String(decoding: received, as: UTF8.self) == "bye")
        #expect(results.last == .closed)
        #expect(results.filter { $0 == .closed }.count == 1)
    }

    @Test("writing to a reset peer reports .closed and raises no SIGPIPE")
    func writeToResetPeer() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let client = try Socket.connect(to: listener.localAddress)
        var writeResult: IOResult?
        var secondWriteResult: IOResult?
        try loop.register(listener.fd, interest: .read, handler: ClosureHandler { _, loop in
            failOnError(loop) {
                guard let (fd, _) = try listener.accept() else { return }
                // SO_LINGER with a zero timeout turns the client's close into an
                // RST, which makes the accepted socket readable (and hung up).
                var linger = linger(l_onoff: 1, l_linger: 0)
                #expect(setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size)) == 0)
                Socket.close(client)
                try loop.register(fd, interest: .read, handler: ClosureHandler { events, loop in
                    failOnError(loop) {
                        #expect(events.isReadable)
                        let payload = [UInt8](repeating: 0x61, count: 1024)
                        writeResult = try payload.withUnsafeBytes { try Socket.write(fd, $0) }
                        // Readable again next turn if the RST was not yet processed.
                        guard writeResult == .closed else { return }
                        // The first write after an RST reports ECONNRESET; the
                        // next one EPIPE, the error that comes with SIGPIPE.
                        secondWriteResult = try payload.withUnsafeBytes { try Socket.write(fd, $0) }
                        loop.unregister(fd)
                        Socket.close(fd)
                        loop.stop()
                    }
                })
            }
        })

        try runUntilStopped(loop)
        #expect(writeResult == .closed)
        #expect(secondWriteResult == .closed)
    }

    @Test("connecting to a port nobody listens on fails with ECONNREFUSED")
    func connectRefused() throws {
        // A bound socket that does not listen holds the port, so nobody else
        // can start listening on it during the test, and it refuses connections.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Socket.close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0)
        let target = try localAddress(of: holder)

        let loop = try EventLoop()
        var failure: Int32 = 0
        do {
            let client = try Socket.connect(to: target)
            defer { Socket.close(client) }
            try loop.register(client, interest: .write, handler: ClosureHandler { events, loop in
                #expect(events.isWritable)
                failure = Socket.pendingError(client)
                loop.unregister(client)
                loop.stop()
            })
            try runUntilStopped(loop)
        } catch let error as SystemError {
            // Some kernels refuse a loopback connect synchronously.
            failure = error.errno
            #expect(error.call == "connect \(target)")
        }
        #expect(failure == ECONNREFUSED)
    }
}
