/// What one non-blocking read or write did.
package enum IOResult: Equatable, Sendable {
    /// This many bytes moved (never 0 for a read: that is `.closed`).
    case bytes(Int)
    /// The socket has no data (read) or no buffer space (write) right now:
    /// wait for readiness.
    case wouldBlock
    /// The peer is gone: EOF or ECONNRESET on read, EPIPE or ECONNRESET on write.
    case closed
}
