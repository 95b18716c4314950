@preconcurrency import Glibc
import EventLoop
import RESP
import Testing

/// A RESP server on the test's own loop and an ephemeral port: it answers
/// each command with the bytes `reply` returns (nothing when nil), so a test
/// decides exactly what the cache says, including errors and silence.
final class FakeRESPServer: EventHandler {
    private let listener: TCPListener
    private let reply: ([String]) -> [UInt8]?
    private var connections: [FakeRESPConnection] = []
    /// Every command received, in order, across connections.
    private(set) var commands: [[String]] = []

    var port: Int { listener.localAddress.port }

    init(loop: EventLoop, reply: @escaping ([String]) -> [UInt8]?) throws {
        listener = try TCPListener(host: "127.0.0.1", port: 0)
        self.reply = reply
        try loop.register(listener.fd, interest: .read, handler: self)
    }

    func handle(_ events: ReadyEvents, on loop: EventLoop) {
        failOnError(loop) {
            while let (fd, _) = try listener.accept() {
                let connection = FakeRESPConnection(fd: fd) { [unowned self] command in
                    commands.append(command)
                    return reply(command)
                }
                connections.append(connection)
                try loop.register(fd, interest: .read, handler: connection)
            }
        }
    }

    /// Unregisters and closes the listener and every connection.
    func close(on loop: EventLoop) {
        loop.unregister(listener.fd)
        listener.close()
        for connection in connections { connection.close(on: loop) }
        connections = []
    }
}

/// One accepted connection of `FakeRESPServer`.
final class FakeRESPConnection: EventHandler {
    private let fd: Int32
    private let answer: ([String]) -> [UInt8]?
    private var input: [UInt8] = []
    private var parser = RequestParser()
    private var isClosed = false

    init(fd: Int32, answer: @escaping ([String]) -> [UInt8]?) {
        self.fd = fd
        self.answer = answer
    }

    func handle(_ events: ReadyEvents, on loop: EventLoop) {
        failOnError(loop) {
            while true {
                switch try Socket.read(fd, appendingTo: &input, maxBytes: 16 * 1024) {
                case .bytes: continue
                case .wouldBlock: break
                case .closed: return close(on: loop)
                }
                break
            }
            var arguments = Arguments()
            var output: [UInt8] = []
            while let used = try input.withUnsafeBytes({ try parser.parse($0, into: &arguments) }) {
                input.removeFirst(used)
                if let bytes = answer((0..<arguments.count).map(arguments.string)) { output += bytes }
            }
            // Replies in these tests are a few bytes: one write takes them all.
            if !output.isEmpty {
                let result = try output.withUnsafeBytes { try Socket.write(fd, $0) }
                #expect(result == .bytes(output.count))
            }
        }
    }

    func close(on loop: EventLoop) {
        guard !isClosed else { return }
        isClosed = true
        loop.unregister(fd)
        Socket.close(fd)
    }
}
