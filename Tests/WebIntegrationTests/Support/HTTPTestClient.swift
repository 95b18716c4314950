import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One HTTP/1.1 response as read off the wire.
struct HTTPTestResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first header of that name, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A raw TCP connection for requests curl will not send: oversized heads,
/// bodies announced but never sent, several requests in one write.
final class HTTPTestConnection: @unchecked Sendable {
    // @unchecked: a test uses one connection from one place at a time (each
    // exchange is awaited before the next starts), so `buffer` is never shared.
    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var peerClosed = false

    init(host: String = "127.0.0.1", port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw HarnessError("connect to \(host):\(port): errno \(code)")
        }
    }

    deinit { close(fd) }

    /// Writes all of `bytes`; false when the peer closed (EPIPE/ECONNRESET) before all were sent.
    @discardableResult
    func send(_ bytes: [UInt8]) throws -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE || errno == ECONNRESET { return false }
                throw HarnessError("send: errno \(errno)")
            }
            offset += written
        }
        return true
    }

    @discardableResult
    func send(_ text: String) throws -> Bool { try send(Array(text.utf8)) }

    /// Reads one complete response (Content-Length framed) within `timeout` seconds.
    func readResponse(timeout: Double = 10) throws -> HTTPTestResponse {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let response = try parseResponse() { return response }
            guard !peerClosed else {
                throw HarnessError("connection closed before a complete response; got: \(String(decoding: buffer, as: UTF8.self))")
            }
            try receive(until: deadline)
        }
    }

    /// Waits until the peer closes the connection; false if it is still open at the deadline.
    func waitForClose(timeout: Double = 10) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !peerClosed {
            do { try receive(until: deadline) } catch is TimeoutError { return false }
        }
        return true
    }

    struct TimeoutError: Error, CustomStringConvertible {
        var description: String { "no data from the server before the deadline" }
    }

    private func receive(until deadline: Date) throws {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { throw TimeoutError() }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(min(remaining * 1000, 60_000)) + 1)
        if ready < 0 && errno == EINTR { return }
        guard ready > 0 else { throw TimeoutError() }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
        } else if count == 0 || errno == ECONNRESET {
            peerClosed = true
        } else if errno != EINTR && errno != EAGAIN {
            throw HarnessError("recv: errno \(errno)")
        }
    }

    private func parseResponse() throws -> HTTPTestResponse? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = buffer.firstRange(of: separator) else { return nil }
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw HarnessError("malformed status line: \(statusLine)")
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        let bodyStart = end.upperBound
        guard buffer.count - bodyStart >= length else { return nil }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return HTTPTestResponse(status: status, headers: headers, body: body)
    }
}

/// `curl`, on this host or inside a namespace.
enum Curl {
    struct Result {
        var status: Int
        var body: String
    }

    /// One GET; the status and body.
    static func get(_ url: String, on host: Host = .local) throws -> Result {
        let curl = try Paths.systemTool("curl", debianPackage: "curl")
        let output = try host.run(curl, ["-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", url])
        guard output.succeeded, let newline = output.stdout.lastIndex(of: "\n"),
              let status = Int(output.stdout[output.stdout.index(after: newline)...]) else {
            throw HarnessError("curl \(url) on \(host) failed (\(output.termination)): \(output.stderr)")
        }
        return Result(status: status, body: String(output.stdout[..<newline]))
    }

    /// Polls `url` until it answers `status`, within `timeout` seconds.
    static func waitFor(status: Int, at url: String, on host: Host = .local, timeout: Double = 30) throws -> Result? {
        let curl = try Paths.systemTool("curl", debianPackage: "curl")
        return try poll(timeout: timeout, every: 0.1) { () -> Result? in
            let output = try host.run(curl, ["-s", "--max-time", "2", "-o", "-", "-w", "\n%{http_code}", url])
            guard let newline = output.stdout.lastIndex(of: "\n"),
                  let code = Int(output.stdout[output.stdout.index(after: newline)...]), code == status else { return nil }
            return Result(status: code, body: String(output.stdout[..<newline]))
        }
    }

    /// `count` GETs of `url`, up to `parallel` at once over separate connections
    /// (curl --parallel): the statuses (in completion order) and the bodies.
    static func parallelGet(_ url: String, count: Int, parallel: Int,
                            in directory: String) throws -> (statuses: [Int], bodies: [String]) {
        let curl = try Paths.systemTool("curl", debianPackage: "curl")
        var config = ""
        for index in 0..<count {
            config += "url = \"\(url)\"\noutput = \"\(directory)/body-\(index)\"\n"
        }
        let configPath = "\(directory)/curl-parallel.conf"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let output = try runProgram(curl, ["-sS", "--parallel", "--parallel-immediate", "--parallel-max", String(parallel),
                                           "--max-time", "30", "--write-out", "%{http_code}\\n", "--config", configPath],
                                    timeout: 120)
        guard output.succeeded else {
            throw HarnessError("curl --parallel failed (\(output.termination)): \(output.stderr)")
        }
        let statuses = output.stdout.split(separator: "\n").compactMap { Int($0) }
        let bodies = try (0..<count).map { try String(contentsOfFile: "\(directory)/body-\($0)", encoding: .utf8) }
        return (statuses, bodies)
    }
}

/// The number in the page `This Compose/Flask demo has been viewed N time(s).`
func viewCount(in body: String) -> Int? {
    let prefix = "This Compose/Flask demo has been viewed ", suffix = " time(s)."
    guard body.hasPrefix(prefix), body.hasSuffix(suffix) else { return nil }
    return Int(body.dropFirst(prefix.count).dropLast(suffix.count))
}
