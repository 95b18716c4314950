import CSystem

/// What epoll reported for one descriptor in one turn.
package struct ReadyEvents: Sendable, Equatable {
    /// Data, EOF or an error is waiting: a read will not block.
    package var isReadable: Bool
    /// Buffer space or an error is waiting: a write will not block.
    package var isWritable: Bool
    /// Both directions are shut (EPOLLHUP).
    package var isHangup: Bool
    /// The socket has a pending error (EPOLLERR); `Socket.pendingError` reads it.
    package var isError: Bool

    package init(isReadable: Bool = false, isWritable: Bool = false, isHangup: Bool = false, isError: Bool = false) {
        self.isReadable = isReadable
        self.isWritable = isWritable
        self.isHangup = isHangup
        self.isError = isError
    }

    /// Errors and hang-ups count as readable so a handler that only reads
    /// still meets the EOF or error through `read`, as with `ae`; errors also
    /// count as writable so a connecting handler waiting to write learns of a
    /// refused connection.
    init(epollFlags flags: UInt32) {
        let hangup = flags & csystem_epollhup() != 0
        let error = flags & csystem_epollerr() != 0
        self.init(
            isReadable: flags & (csystem_epollin() | csystem_epollrdhup()) != 0 || hangup || error,
            isWritable: flags & csystem_epollout() != 0 || error,
            isHangup: hangup,
            isError: error
        )
    }
}
