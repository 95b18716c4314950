@preconcurrency import Glibc

extension SocketAddress {
    /// Resolves `host` with `getaddrinfo` the way client libraries do, so
    /// `/etc/hosts` and container DNS names such as `redis` work. Blocking:
    /// call it off the loop thread (or before the loop runs).
    ///
    /// Numeric hosts (`"127.0.0.1"`, `"::1"`) never touch DNS. The addresses
    /// come in `getaddrinfo`'s preference order.
    package static func resolve(host: String, port: Int) throws(ResolveError) -> [SocketAddress] {
        try lookUp(host: host, port: port, flags: 0)
    }

    /// The address a listener binds for `host`: `AI_PASSIVE`, so `""` means
    /// every interface.
    static func resolveForListening(host: String, port: Int) throws(ResolveError) -> SocketAddress {
        let addresses = try lookUp(host: host, port: port, flags: AI_PASSIVE)
        guard let first = addresses.first else {
            throw ResolveError(host: host, port: port, code: EAI_NONAME)
        }
        return first
    }

    private static func lookUp(host: String, port: Int, flags: Int32) throws(ResolveError) -> [SocketAddress] {
        guard (0...65535).contains(port) else {
            throw ResolveError(host: host, port: port, code: EAI_SERVICE)
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = flags | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let code = host.isEmpty
            ? getaddrinfo(nil, String(port), &hints, &list)
            : getaddrinfo(host, String(port), &hints, &list)
        guard code == 0 else {
            throw ResolveError(host: host, port: port, code: code, errno: code == EAI_SYSTEM ? errno : 0)
        }
        defer { freeaddrinfo(list) }

        var addresses: [SocketAddress] = []
        var node = list
        while let entry = node?.pointee {
            if let address = entry.ai_addr, entry.ai_family == AF_INET || entry.ai_family == AF_INET6 {
                addresses.append(SocketAddress(address, length: entry.ai_addrlen))
            }
            node = entry.ai_next
        }
        return addresses
    }
}
