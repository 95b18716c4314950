@preconcurrency import Glibc
import EventLoop
import Testing

@Suite("SocketAddress")
struct SocketAddressTests {
    @Test("localhost resolves to loopback addresses with the port asked for")
    func localhost() throws {
        let addresses = try SocketAddress.resolve(host: "localhost", port: 6379)
        try #require(!addresses.isEmpty)
        for address in addresses {
            #expect(address.host == "::1" || address.host.hasPrefix("127."), "\(address)")
            #expect(address.port == 6379)
        }
    }

    @Test("numeric hosts resolve to themselves and print the way Redis writes them", arguments: [
        ("127.0.0.1", 6379, "127.0.0.1:6379", AF_INET),
        ("::1", 6379, "[::1]:6379", AF_INET6),
        ("10.1.2.3", 0, "10.1.2.3:0", AF_INET),
        ("fd00::2", 65535, "[fd00::2]:65535", AF_INET6),
    ])
    func numeric(host: String, port: Int, description: String, family: Int32) throws {
        let addresses = try SocketAddress.resolve(host: host, port: port)
        let address = try #require(addresses.first)
        #expect(addresses.count == 1)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.family == family)
        #expect(address.description == description)
    }

    @Test("equal addresses compare equal, different ports and hosts do not")
    func equality() throws {
        let a = try #require(SocketAddress.resolve(host: "127.0.0.1", port: 80).first)
        let b = try #require(SocketAddress.resolve(host: "127.0.0.1", port: 80).first)
        let otherPort = try #require(SocketAddress.resolve(host: "127.0.0.1", port: 81).first)
        let otherHost = try #require(SocketAddress.resolve(host: "127.0.0.2", port: 80).first)
        #expect(a == b)
        #expect(a != otherPort)
        #expect(a != otherHost)
    }

    @Test("a port out of range is a resolve error that names host and port")
    func portOutOfRange() throws {
        let error = try #require(throws: ResolveError.self) {
            _ = try SocketAddress.resolve(host: "127.0.0.1", port: 70000)
        }
        #expect(error.code == EAI_SERVICE)
        #expect(error.description.hasPrefix("getaddrinfo 127.0.0.1:70000: "))
    }

    @Test("a malformed numeric-looking host is a resolve error with getaddrinfo's text")
    func unresolvable() throws {
        let error = try #require(throws: ResolveError.self) {
            // Dots and a space: not a valid name, refused without asking DNS.
            _ = try SocketAddress.resolve(host: "no such host..", port: 1)
        }
        #expect(error.host == "no such host..")
        #expect(error.description.hasPrefix("getaddrinfo no such host..:1: "))
        #expect(error.description.count > "getaddrinfo no such host..:1: ".count)
    }
}

@Suite("SystemError")
struct SystemErrorTests {
    @Test("description names the call, strerror's text and the number")
    func description() {
        #expect(SystemError(call: "bind", errno: EADDRINUSE).description == "bind: Address already in use (errno 98)")
        #expect(SystemError(call: "send", errno: EPIPE).description == "send: Broken pipe (errno 32)")
    }
}
