@preconcurrency import Glibc

/// A failed name resolution: the host and port asked for and the `getaddrinfo` code.
package struct ResolveError: Error, CustomStringConvertible, Sendable, Equatable {
    package let host: String
    package let port: Int
    /// The `EAI_*` code `getaddrinfo` returned.
    package let code: Int32
    /// `errno` when `code` is `EAI_SYSTEM`, else 0.
    package let errno: Int32

    package init(host: String, port: Int, code: Int32, errno: Int32 = 0) {
        self.host = host
        self.port = port
        self.code = code
        self.errno = errno
    }

    /// `"getaddrinfo redis:6379: Name or service not known"`.
    package var description: String {
        let reason = code == EAI_SYSTEM
            ? String(cString: strerror(errno))
            : String(cString: gai_strerror(code))
        return "getaddrinfo \(host):\(port): \(reason)"
    }
}
