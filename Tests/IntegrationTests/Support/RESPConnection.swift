import Foundation
import RESP
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A blocking client connection that returns each reply's raw bytes, so that
/// two servers' answers can be compared byte for byte. Every read has a
/// deadline; `RESP.ReplyParser` finds where a reply ends.
final class RESPConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var parser = ReplyParser()
    private var isClosed = false
    /// Seconds to wait for each reply.
    var timeout: Double

    init(port: Int, host: String = "127.0.0.1", timeout: Double = 15) throws {
        self.timeout = timeout
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let error = errno
            Glibc.close(fd)
            throw HarnessError("connect to \(host):\(port): \(String(cString: strerror(error)))")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(fd)
    }

    /// Writes all of `bytes`.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw HarnessError("send: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }

    /// Sends one command as a multibulk of bulk strings.
    func send(command arguments: [[UInt8]]) throws {
        try send(encodeCommand(arguments))
    }

    /// The raw bytes of the next reply.
    func readReply() throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let parsed = try buffer.withUnsafeBytes { bytes throws(ReplyParseError) in try parser.parse(bytes) }
            if let (_, length) = parsed {
                let reply = Array(buffer[0..<length])
                buffer.removeFirst(length)
                return reply
            }
            guard try receive(until: deadline) else {
                throw HarnessError("connection closed before a whole reply; got \(Bytes.escaped(buffer))")
            }
        }
    }

    /// Everything the server sends until it closes the connection.
    func readUntilClose() throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        while try receive(until: deadline) {}
        defer { buffer.removeAll() }
        return buffer
    }

    /// Sends `arguments` and returns the raw reply.
    func rawCall(_ arguments: [[UInt8]]) throws -> [UInt8] {
        try send(command: arguments)
        return try readReply()
    }

    /// Sends `arguments` and returns the decoded reply.
    @discardableResult
    func call(_ arguments: [String]) throws -> RESPValue {
        try RESPConnection.decode(rawCall(arguments.map { Array($0.utf8) }))
    }

    @discardableResult
    func call(_ arguments: String...) throws -> RESPValue { try call(arguments) }

    /// Sends every command at once (a pipeline), then reads one reply per command.
    func pipeline(_ commands: [[String]]) throws -> [RESPValue] {
        try send(commands.flatMap { encodeCommand($0) })
        return try commands.map { _ in try RESPConnection.decode(readReply()) }
    }

    static func decode(_ raw: [UInt8]) throws -> RESPValue {
        var parser = ReplyParser()
        guard let (value, _) = try raw.withUnsafeBytes({ bytes throws(ReplyParseError) in try parser.parse(bytes) }) else {
            throw HarnessError("incomplete reply \(Bytes.escaped(raw))")
        }
        return value
    }

    /// Reads more bytes into the buffer; false at end of stream (or reset).
    private func receive(until deadline: Date) throws -> Bool {
        guard !isClosed else { return false }
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                throw HarnessError("no reply within \(timeout) s; got \(Bytes.escaped(buffer))")
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000 + 1, 60_000)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno != ECONNRESET {
                throw HarnessError("recv: \(String(cString: strerror(errno)))")
            }
            return false
        }
    }
}

/// Byte strings shown the way `redis-cli` quotes them.
enum Bytes {
    static func escaped(_ bytes: some Sequence<UInt8>) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): text += "\\\\"
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\n"): text += "\\n"
            case UInt8(ascii: "\r"): text += "\\r"
            case UInt8(ascii: "\t"): text += "\\t"
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += String(format: "\\x%02x", byte)
            }
        }
        return text + "\""
    }
}
