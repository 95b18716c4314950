import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A loopback "cache" that accepts each connection, answers it with one error line
/// before any command (as Redis does at `maxclients`, or in protected mode), and
/// closes it; it counts the connections it accepted.
final class RefusingCache: @unchecked Sendable {
    // @unchecked: `listener` and `reply` are immutable after init; the counters are Atomics.
    let port: Int
    private let listener: Int32
    private let reply: [UInt8]
    private let accepted = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(reply: String = "-ERR max number of clients reached\r\n") throws {
        self.reply = Array(reply.utf8)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0, listen(fd, 128) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard listening == 0 else {
            close(fd)
            throw HarnessError("bind/listen: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        startServing()
    }

    private func startServing() {
        Thread { [self] in serve() }.start()
    }

    /// Connections accepted so far.
    var connections: Int { accepted.load(ordering: .relaxed) }

    private func serve() {
        defer { finished.signal() }
        while !stopping.load(ordering: .relaxed) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            accepted.add(1, ordering: .relaxed)
            _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(client)
        }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
        close(listener)
    }
}
