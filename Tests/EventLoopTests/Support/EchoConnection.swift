import EventLoop
import Testing

/// A server-side connection that writes back what it reads, keeping what the
/// socket did not take and asking for writability until it is flushed.
final class EchoConnection: EventHandler {
    let fd: Int32
    private var pending: [UInt8] = []
    private(set) var sawEOF = false
    /// Called once the peer closed and the connection was torn down.
    var onClose: () -> Void = {}

    init(fd: Int32) {
        self.fd = fd
    }

    func handle(_ events: ReadyEvents, on loop: EventLoop) {
        failOnError(loop) {
            if events.isReadable {
                switch try Socket.read(fd, appendingTo: &pending, maxBytes: 16 * 1024) {
                case .bytes, .wouldBlock: break
                case .closed: return close(on: loop)
                }
            }
            try flush(on: loop)
        }
    }

    private func flush(on loop: EventLoop) throws {
        while !pending.isEmpty {
            let result = try pending.withUnsafeBytes { try Socket.write(fd, $0) }
            switch result {
            case .bytes(let count): pending.removeFirst(count)
            case .wouldBlock: return try loop.update(fd, interest: [.read, .write])
            case .closed: return close(on: loop)
            }
        }
        try loop.update(fd, interest: .read)
    }

    private func close(on loop: EventLoop) {
        sawEOF = true
        loop.unregister(fd)
        Socket.close(fd)
        onClose()
    }
}
