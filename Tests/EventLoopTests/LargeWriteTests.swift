import EventLoop
import Testing

/// 8 MiB to a reader that only starts reading once the writer is blocked:
/// the writer must meet would-block, wait for writability, and resume.
@Suite("Large writes")
struct LargeWriteTests {
    static let size = 8 * 1024 * 1024

    static func byte(at offset: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: offset % 251)
    }

    /// Writes the pattern, tracking how often the socket pushed back.
    final class Writer: EventHandler {
        let fd: Int32
        let payload: [UInt8] = (0..<LargeWriteTests.size).map(LargeWriteTests.byte(at:))
        var offset = 0
        var wouldBlockCount = 0
        var writableEventsAfterBlocking = 0
        var onFirstBlock: () -> Void = {}

        init(fd: Int32) {
            self.fd = fd
        }

        func handle(_ events: ReadyEvents, on loop: EventLoop) {
            failOnError(loop) {
                if wouldBlockCount > 0 { writableEventsAfterBlocking += 1 }
                while offset < payload.count {
                    let result = try payload.withUnsafeBytes { try Socket.write(fd, UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                    switch result {
                    case .bytes(let count):
                        offset += count
                    case .wouldBlock:
                        wouldBlockCount += 1
                        if wouldBlockCount == 1 { onFirstBlock() }
                        return
                    case .closed:
                        Issue.record("reader went away at offset \(offset)")
                        return loop.stop()
                    }
                }
                // All handed to the kernel: close sends FIN after the data.
                loop.unregister(fd)
                Socket.close(fd)
            }
        }
    }

    @Test("a writer blocked by a slow reader resumes on writability and every byte arrives in order")
    func backpressure() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let client = try Socket.connect(to: listener.localAddress)
        defer { Socket.close(client) }
        var writer: Writer?

        var received = 0
        var mismatches = 0
        var chunk: [UInt8] = []
        chunk.reserveCapacity(64 * 1024)
        // Registered with no interest: the reader is deaf until the writer blocks.
        try loop.register(client, interest: [], handler: ClosureHandler { events, loop in
            failOnError(loop) {
                guard events.isReadable else { return }
                let result = try Socket.read(client, appendingTo: &chunk, maxBytes: 64 * 1024)
                for (index, byte) in chunk.enumerated() where byte != Self.byte(at: received + index) {
                    mismatches += 1
                }
                received += chunk.count
                chunk.removeAll(keepingCapacity: true)
                if result == .closed {
                    loop.unregister(client)
                    loop.stop()
                }
            }
        })

        try loop.register(listener.fd, interest: .read, handler: ClosureHandler { _, loop in
            failOnError(loop) {
                guard let (fd, _) = try listener.accept() else { return }
                let accepted = Writer(fd: fd)
                accepted.onFirstBlock = {
                    failOnError(loop) { try loop.update(client, interest: .read) }
                }
                writer = accepted
                try loop.register(fd, interest: .write, handler: accepted)
            }
        })

        try runUntilStopped(loop, timeoutMilliseconds: 20_000)
        let finished = try #require(writer)
        #expect(finished.offset == Self.size)
        #expect(finished.wouldBlockCount >= 1)
        #expect(finished.writableEventsAfterBlocking >= 1)
        #expect(received == Self.size)
        #expect(mismatches == 0)
    }
}
