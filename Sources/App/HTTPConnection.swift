import EventLoop
import HTTP

/// One HTTP client connection's state: its input, the parser, and the
/// responses owed in request order (pipelined requests may complete out of
/// order; they are written in order).
final class HTTPConnection {
    let fd: Int32
    let peer: SocketAddress
    var input: [UInt8] = []
    var output: [UInt8] = []
    var outputSent = 0
    /// Responses in request order; nil until its route has answered.
    var slots: [Slot] = []
    var nextSequence = 0
    /// When the first byte of a still-incomplete request arrived, and the
    /// last time anything happened (monotonic ms).
    var partialSince: Int64?
    var lastActivity: Int64
    /// Set after an error response or `Connection: close`: no more requests are read.
    var closeAfterFlush = false
    var isClosed = false
    var wantsWrite = false
    var readPaused = false

    struct Slot {
        let sequence: Int
        var bytes: [UInt8]?
        var keepAlive: Bool
    }

    init(fd: Int32, peer: SocketAddress, now: Int64) {
        self.fd = fd
        self.peer = peer
        self.lastActivity = now
    }

    /// Requests read whose response has not been written yet.
    var inFlight: Int { slots.count }
}
