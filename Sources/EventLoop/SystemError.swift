@preconcurrency import Glibc

/// A failed system call: its name (with context such as the address) and `errno`.
package struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The call and what it acted on, e.g. `"bind 127.0.0.1:6379"`.
    package let call: String
    package let errno: Int32

    package init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// `"bind 127.0.0.1:6379: Address already in use (errno 98)"`.
    package var description: String {
        // glibc's strerror returns static text for known codes and a
        // thread-local buffer otherwise (since 2.32), so it is thread-safe here.
        "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
