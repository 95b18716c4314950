import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A loopback stand-in for the cache whose replies can be held back: to keep
/// a request in flight for as long as a test needs. It answers PING with
/// PONG, INCR with the next count and anything else with OK.
final class HardeningFakeCache: @unchecked Sendable {
    // @unchecked: `listener` and `port` are immutable; everything else is read
    // and written with `condition` locked.
    let port: Int
    private let listener: Int32
    private let condition = NSCondition()
    private var holding = false
    private var stopping = false
    private var received: [String] = []
    private var counter = 0
    private var clients: [Int32] = []
    private var threads = 0

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
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
        startThread { [self] in acceptLoop() }
    }

    /// Holds every reply from now until `release()`.
    func hold() {
        condition.lock()
        holding = true
        condition.unlock()
    }

    /// Sends the held replies and answers at once from now on.
    func release() {
        condition.lock()
        holding = false
        condition.broadcast()
        condition.unlock()
    }

    /// Commands received so far (the first argument of each, upper-cased).
    var commands: [String] {
        condition.lock()
        defer { condition.unlock() }
        return received
    }

    /// Waits until `predicate` holds for the commands received; whether it did within `timeout`.
    func waitForCommands(timeout: Double, _ predicate: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !predicate(received) {
            if !condition.wait(until: deadline) { return predicate(received) }
        }
        return true
    }

    /// Closes everything and waits for its threads (which keep it alive until then): call it when done.
    func stop() {
        condition.lock()
        stopping = true
        holding = false
        for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
        condition.broadcast()
        condition.unlock()
        condition.lock()
        while threads > 0 { _ = condition.wait(until: Date().addingTimeInterval(0.05)) }
        condition.unlock()
        close(listener)
    }

    private func startThread(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        threads += 1
        condition.unlock()
        Thread { [self] in
            body()
            condition.lock()
            threads -= 1
            condition.broadcast()
            condition.unlock()
        }.start()
    }

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    private func acceptLoop() {
        while !isStopping {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            condition.lock()
            clients.append(client)
            condition.unlock()
            startThread { [self] in serve(client) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while !isStopping {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            buffer.append(contentsOf: chunk[0..<count])
            while let (command, used) = Self.parseCommand(buffer) {
                buffer.removeFirst(used)
                condition.lock()
                received.append(command.first?.uppercased() ?? "")
                condition.broadcast()
                while holding && !stopping { condition.wait() }
                let reply: String
                switch command.first?.uppercased() {
                case "PING": reply = "+PONG\r\n"
                case "INCR":
                    counter += 1
                    reply = ":\(counter)\r\n"
                default: reply = "+OK\r\n"
                }
                let stop = stopping
                condition.unlock()
                if stop { return }
                _ = Array(reply.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
        }
    }

    /// One multibulk command at the start of `buffer`, and its length; nil when incomplete.
    static func parseCommand(_ buffer: [UInt8]) -> ([String], Int)? {
        func line(from start: Int) -> (String, Int)? {
            var index = start
            while index + 1 < buffer.count {
                if buffer[index] == 13 && buffer[index + 1] == 10 {
                    return (String(decoding: buffer[start..<index], as: UTF8.self), index + 2)
                }
                index += 1
            }
            return nil
        }
        guard buffer.first == UInt8(ascii: "*"), let (header, afterHeader) = line(from: 1), let count = Int(header) else { return nil }
        var position = afterHeader
        var arguments: [String] = []
        for _ in 0..<count {
            guard position < buffer.count, buffer[position] == UInt8(ascii: "$"),
                  let (lengthText, bodyStart) = line(from: position + 1), let length = Int(lengthText),
                  buffer.count >= bodyStart + length + 2 else { return nil }
            arguments.append(String(decoding: buffer[bodyStart..<(bodyStart + length)], as: UTF8.self))
            position = bodyStart + length + 2
        }
        return (arguments, position)
    }
}

/// Raw sockets for attacks: many idle connections, byte-a-second senders,
/// and requests streamed without end while the answer is watched for.
enum HardeningHTTP {
    /// A blocking connect to 127.0.0.1:`port`; the descriptor.
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let error = errno
            close(fd)
            throw HarnessError("connect to 127.0.0.1:\(port): \(String(cString: strerror(error)))")
        }
        return fd
    }

    /// What came back on `fd` without waiting, and whether the peer has closed.
    static func drain(_ fd: Int32) -> (bytes: [UInt8], closed: Bool) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            return (bytes, count == 0 || (count < 0 && errno == ECONNRESET))
        }
    }

    /// The outcome of streaming a request that never ends.
    struct StreamOutcome {
        var response: [UInt8]
        var sent: Int
        var closed: Bool
        var seconds: Double

        var text: String { String(decoding: response, as: UTF8.self) }
        var status: Int? {
            let parts = text.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.") else { return nil }
            return Int(parts[1])
        }
    }

    /// Sends `head` and then `filler` again and again (up to `limit` bytes in
    /// all), reading whatever comes back, until the server answers and closes,
    /// `limit` is reached, or `timeout` passes.
    static func stream(port: Int, head: [UInt8], filler: [UInt8], limit: Int, timeout: Double) throws -> StreamOutcome {
        let fd = try connect(port: port)
        defer { close(fd) }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let start = Date()
        var outcome = StreamOutcome(response: [], sent: 0, closed: false, seconds: 0)
        var pending = head[...]
        var writing = true
        while Date().timeIntervalSince(start) < timeout {
            var poller = pollfd(fd: fd, events: Int16(POLLIN) | (writing ? Int16(POLLOUT) : 0), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            if poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let (bytes, closed) = drain(fd)
                outcome.response += bytes
                if closed {
                    outcome.closed = true
                    break
                }
            }
            if writing && poller.revents & Int16(POLLOUT) != 0 {
                if pending.isEmpty { pending = filler[...] }
                let count = pending.withUnsafeBytes { send(fd, $0.baseAddress, min($0.count, limit - outcome.sent), Int32(MSG_NOSIGNAL)) }
                if count > 0 {
                    outcome.sent += count
                    pending = pending.dropFirst(count)
                    if outcome.sent >= limit { writing = false }
                } else if count < 0 && errno != EAGAIN && errno != EINTR {
                    // EPIPE or ECONNRESET: the server stopped reading and closed; keep reading its answer.
                    writing = false
                }
            }
        }
        outcome.seconds = Date().timeIntervalSince(start)
        return outcome
    }

    /// Resident set size of process `pid` in bytes (VmRSS).
    static func residentBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }

    /// Seconds on CLOCK_MONOTONIC.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// A Prometheus text exposition (0.0.4), parsed and checked line by line.
struct HardeningMetricsText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    /// Metric family → type from `# TYPE`.
    var types: [String: String] = [:]
    /// Lines that break the format, with why.
    var problems: [String] = []

    init(_ text: String) {
        var helped: Set<String> = []
        guard text.hasSuffix("\n") else {
            problems.append("the exposition does not end with a newline")
            return
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") {
                let parts = line.split(separator: " ", maxSplits: 3)
                if parts.count < 4 { problems.append("HELP without text: \(line)") }
                if parts.count > 2 { helped.insert(String(parts[2])) }
                continue
            }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    problems.append("bad TYPE line: \(line)")
                    continue
                }
                if types[String(parts[2])] != nil { problems.append("TYPE repeated: \(line)") }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") || line.isEmpty {
                problems.append("unexpected line: \(line.debugDescription)")
                continue
            }
            guard let sample = Self.parseSample(line) else {
                problems.append("not a sample: \(line)")
                continue
            }
            let family = ["_bucket", "_sum", "_count", "_total"].reduce(sample.name) { name, suffix in
                name.hasSuffix(suffix) && types[String(name.dropLast(suffix.count))] != nil ? String(name.dropLast(suffix.count)) : name
            }
            if types[family] == nil && types[sample.name] == nil { problems.append("sample before its TYPE: \(line)") }
            if !helped.contains(family) && !helped.contains(sample.name) { problems.append("sample without HELP: \(line)") }
            samples.append(sample)
        }
    }

    /// `name{label="value",…} number`.
    static func parseSample(_ line: Substring) -> Sample? {
        var rest = line[...]
        let nameEnd = rest.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard let first = name.first, first.isLetter || first == "_" || first == ":" else { return nil }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else { return nil }
                let label = String(rest[..<equals])
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                var value = ""
                while let c = rest.first, c != "\"" {
                    if c == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first else { return nil }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(c)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                labels[label] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard !rest.isEmpty else { return nil }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { return nil }
        let valueText = rest.dropFirst()
        let value: Double
        switch valueText {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(valueText) else { return nil }
            value = parsed
        }
        return Sample(name: name, labels: labels, value: value)
    }

    /// The value of the sample with this name and exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The samples of one name.
    func all(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}
