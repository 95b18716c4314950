@preconcurrency import Glibc

/// An IPv4 or IPv6 socket address (a `sockaddr_storage` and its length).
package struct SocketAddress: Sendable, CustomStringConvertible, Hashable {
    private var storage: sockaddr_storage
    private var length: socklen_t

    /// Copies the address `pointer` points at; `length` bytes of it are valid.
    package init(_ pointer: UnsafePointer<sockaddr>, length: socklen_t) {
        precondition(Int(length) <= MemoryLayout<sockaddr_storage>.size, "sockaddr of \(length) bytes")
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { destination in
            destination.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: Int(length)))
        }
        self.storage = storage
        self.length = length
    }

    /// Fills an address through a kernel call such as `accept` or `getsockname`,
    /// which writes the address and its length.
    static func filling<Result>(
        _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) throws(SystemError) -> Result
    ) throws(SystemError) -> (Result, SocketAddress) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try withUnsafeMutablePointer(to: &storage) { (pointer) throws(SystemError) -> Result in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (address) throws(SystemError) -> Result in
                try body(address, &length)
            }
        }
        // The kernel reports the full length even when it truncated the address.
        let valid = min(length, socklen_t(MemoryLayout<sockaddr_storage>.size))
        return (result, SocketAddress(storage: storage, length: valid))
    }

    private init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// `AF_INET` or `AF_INET6`.
    package var family: Int32 { Int32(storage.ss_family) }

    /// Calls `body` with the address as the kernel takes it.
    package func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// The numeric host: `"127.0.0.1"`, `"::1"`, `"fe80::1%eth0"`.
    package var host: String {
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let rc = withSockAddr { pointer, length in
            getnameinfo(pointer, length, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST)
        }
        guard rc == 0 else { return "?" }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The port in host byte order.
    package var port: Int {
        withSockAddr { pointer, _ in
            switch Int32(pointer.pointee.sa_family) {
            case AF_INET:
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6:
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            default:
                0
            }
        }
    }

    /// `"127.0.0.1:6379"`, or `"[::1]:6379"` for IPv6, as Redis and URLs write them.
    package var description: String {
        family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Equal when the valid bytes are: the kernel and `getaddrinfo` zero the
    /// padding, and an address made by `init` copies only `length` bytes.
    package static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        guard lhs.length == rhs.length else { return false }
        return lhs.withSockAddr { left, length in
            rhs.withSockAddr { right, _ in memcmp(left, right, Int(length)) == 0 }
        }
    }

    package func hash(into hasher: inout Hasher) {
        withSockAddr { pointer, length in
            hasher.combine(bytes: UnsafeRawBufferPointer(start: pointer, count: Int(length)))
        }
    }
}
