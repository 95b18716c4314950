import Foundation
import RESP
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Limits a hostile or careless peer runs into: maxclients, idle timeout, a
/// client that pipelines without reading, garbage and huge lengths, many idle
/// connections. None of them may keep the server from answering others.
@Suite("Hardening: limits", .serialized)
struct HardeningLimitsTests {
    static let maxClientsReached = "-ERR max number of clients reached\r\n"

    @Test("--maxclients 3: the 4th connection gets Redis's error and is closed; a freed slot is reused")
    func maxClients() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: ["--maxclients", "3"])
            defer { tally.stop() }
            var admitted = try (0..<3).map { _ in try tally.connect() }
            for connection in admitted { #expect(try connection.call("PING") == .simpleString("PONG")) }

            let fourth = try HardeningSocket(port: tally.port)
            _ = try fourth.send(encodeCommand("SET", "fourth", "1"))
            #expect(String(decoding: try fourth.readUntilClose(timeout: 5), as: UTF8.self) == Self.maxClientsReached)

            let fields = try Hardening.info(admitted[0], "clients", "stats").fields
            #expect(fields["connected_clients"] == "3")
            #expect(fields["maxclients"] == "3")
            #expect(fields["rejected_connections"] == "1")
            #expect(try admitted[0].call("EXISTS", "fourth") == .integer(0), "the refused client's command ran")

            // Closing one frees its slot once the server has seen the close.
            admitted.removeLast().close()
            let reused = Durability.poll(timeout: 5, interval: 0.05) {
                guard let socket = try? HardeningSocket(port: tally.port),
                      let reply = try? socket.call("PING", timeout: 2) else { return false }
                return reply == .simpleString("PONG")
            }
            #expect(reused, "no connection was admitted within 5 s of one closing")
        }
    }

    @Test("the max-clients text is redis-server's, byte for byte")
    func maxClientsSameAsRedis() throws {
        try withTemporaryDirectory { directory in
            let redis = try HardeningRedis(directory: directory, arguments: ["--maxclients", "2"])
            let held = try (0..<2).map { _ in try redis.connect() }
            for connection in held { #expect(try connection.call("PING") == .simpleString("PONG")) }
            let third = try HardeningSocket(port: redis.port)
            #expect(String(decoding: try third.readUntilClose(timeout: 5), as: UTF8.self) == Self.maxClientsReached)
        }
    }

    @Test("CONFIG SET maxclients takes effect for the next connection; the connected keep working")
    func maxClientsAtRunTime() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let first = try tally.connect(), second = try tally.connect()
            #expect(try first.call("CONFIG", "SET", "maxclients", "2") == .simpleString("OK"))
            let third = try HardeningSocket(port: tally.port)
            #expect(String(decoding: try third.readUntilClose(timeout: 5), as: UTF8.self) == Self.maxClientsReached)
            #expect(try second.call("PING") == .simpleString("PONG"))
            #expect(try first.call("CONFIG", "SET", "maxclients", "10") == .simpleString("OK"))
            #expect(try HardeningSocket(port: tally.port).call("PING") == .simpleString("PONG"))
        }
    }

    @Test("--timeout 1 closes an idle client after about a second; an active one stays")
    func idleTimeout() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: ["--timeout", "1"])
            defer { tally.stop() }
            let idle = try HardeningSocket(port: tally.port)
            #expect(try idle.call("PING") == .simpleString("PONG"))
            let active = try HardeningSocket(port: tally.port)
            let start = Hardening.now()
            var closedAfter: Double?
            // The active client sends a PING every 200 ms; the idle one must close meanwhile.
            while Hardening.now() - start < 3.5 {
                #expect(try active.call("PING") == .simpleString("PONG"), "the active client was closed")
                if closedAfter == nil, try idle.closes(within: 0.2) { closedAfter = Hardening.now() - start }
            }
            let elapsed = try #require(closedAfter, "the idle client was still open 3.5 s into a 1 s timeout")
            #expect(elapsed >= 0.9, "closed after \(elapsed) s, before the timeout")
            #expect(try active.call("PING") == .simpleString("PONG"))
        }
    }

    @Test("CONFIG SET timeout 1 closes idle clients from then on; timeout 0 never does")
    func idleTimeoutAtRunTime() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let idle = try HardeningSocket(port: tally.port)
            #expect(try idle.call("PING") == .simpleString("PONG"))
            #expect(try idle.closes(within: 2.5) == false, "closed while timeout is 0")
            let admin = try tally.connect()
            #expect(try admin.call("CONFIG", "SET", "timeout", "1") == .simpleString("OK"))
            #expect(try idle.closes(within: 4), "not closed within 4 s of CONFIG SET timeout 1")
        }
    }

    @Test("a client pipelining 200,000 GETs of a 1 KiB value without reading does not delay another's PINGs; RSS stays bounded; no reply is lost")
    func nonReadingClient() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: ["--fsync", "no"])
            defer { tally.stop() }
            let value = String(repeating: "v", count: 1024)
            let setup = try tally.connect()
            #expect(try setup.call("SET", "v", value) == .simpleString("OK"))
            let baseline = try #require(Hardening.residentBytes(of: tally.child.pid))

            let commands = 200_000
            let reader = try HardeningSocket(port: tally.port)
            let sender = HardeningPipelineSender(fd: reader.fd, bytes: Array(repeating: encodeCommand("GET", "v"), count: commands).flatMap { $0 })
            defer { sender.stop() }

            // Another client meanwhile: every PING within a second, while the pipeline is being sent.
            let other = try tally.connect()
            other.timeout = 5
            var worst = 0.0, peak = baseline, pings = 0
            let start = Hardening.now()
            while Hardening.now() - start < 3 {
                let sent = Hardening.now()
                #expect(try other.call("PING") == .simpleString("PONG"))
                worst = max(worst, Hardening.now() - sent)
                pings += 1
                peak = max(peak, Hardening.residentBytes(of: tally.child.pid) ?? 0)
                usleep(20_000)
            }
            print("non-reading client: \(pings) PINGs, slowest \(String(format: "%.3f", worst)) s; RSS \(baseline >> 20) MiB → peak \(peak >> 20) MiB; \(sender.sent) of \(sender.total) request bytes accepted")
            #expect(worst < 1, "a PING took \(worst) s while another client did not read")
            // The replies are 200,000 × 1,033 bytes ≈ 197 MiB: the server must not hold them all.
            #expect(peak - baseline < 128 << 20, "RSS grew by \(((peak - baseline) >> 20)) MiB while a client did not read")

            // Now it reads: every reply arrives, in full, and the connection was never dropped.
            let replyLength = "$1024\r\n".utf8.count + 1024 + 2
            #expect(try reader.discard(commands * replyLength, timeout: 60), "the replies did not all arrive within 60 s")
            #expect(sender.finished(within: 5), "the request bytes were not all accepted once the replies were read")
            #expect(try other.call("DBSIZE") == .integer(1))
        }
    }

    /// Malformed frames with the error Redis answers before closing.
    static let malformed: [(name: String, bytes: [UInt8])] = [
        ("multibulk count 99999999999", Array("*99999999999\r\n".utf8)),
        ("bulk length 2147483648", Array("*1\r\n$2147483648\r\n".utf8)),
        ("bulk length past Int64", Array("*1\r\n$99999999999999999999\r\n".utf8)),
        ("negative bulk length", Array("*1\r\n$-1\r\n".utf8)),
        ("non-numeric count", Array("*abc\r\n".utf8)),
        ("element not a bulk", Array("*2\r\n$3\r\nGET\r\n:5\r\n".utf8)),
        ("unbalanced quotes inline", Array("SET k \"open\r\n".utf8)),
        ("inline line over 64 KiB", [UInt8](repeating: UInt8(ascii: "a"), count: 70 * 1024)),
        ("multibulk header over 64 KiB", Array("*".utf8) + [UInt8](repeating: UInt8(ascii: "1"), count: 70 * 1024)),
    ]

    @Test("garbage and huge lengths get Redis's protocol error and a close, the same bytes as redis-server")
    func malformedFramesSameAsRedis() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let redis = try HardeningRedis(directory: directory)
            for (name, bytes) in Self.malformed {
                var answers: [String] = []
                for port in [redis.port, tally.port] {
                    let socket = try HardeningSocket(port: port)
                    _ = try socket.send(bytes)
                    let closed = try socket.closes(within: 5)
                    answers.append(Bytes.escaped(try socket.readUntilClose(timeout: 0.1)) + (closed ? " closed" : " open"))
                }
                #expect(answers[1] == answers[0], "\(name)\n  redis-server: \(answers[0])\n  tally-server: \(answers[1])")
                #expect(answers[1].hasPrefix("\"-ERR Protocol error: ") && answers[1].hasSuffix(" closed"), "\(name): \(answers[1])")
            }
        }
    }

    @Test("acceptance 3: garbage, huge lengths and 1,000 idle connections leave the server answering PING")
    func garbageHugeLengthsAndIdleConnections() throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            let baseline = try #require(Hardening.residentBytes(of: tally.child.pid))

            // 1,000 connections that never send anything.
            let idle = try (0..<1000).map { _ in try HardeningSocket(port: tally.port) }
            // 20 that announce the largest multibulk and bulk Redis allows, then stall:
            // nothing may be allocated for what has not arrived.
            let stalled = try (0..<20).map { _ in
                let socket = try HardeningSocket(port: tally.port)
                _ = try socket.send(Array("*1048576\r\n$536870912\r\n".utf8))
                return socket
            }
            // Seeded garbage, on connections closed after sending it.
            var generator = HardeningRandom(seed: 0x7a11_7a11)
            for round in 0..<50 {
                let socket = try HardeningSocket(port: tally.port)
                var bytes = (0..<(round * 997 % 20_000 + 1)).map { _ in generator.nextByte() }
                if round % 3 == 0 { bytes.insert(UInt8(ascii: "*"), at: 0) }
                _ = try socket.send(bytes)
                socket.close()
            }
            for (_, bytes) in Self.malformed {
                let socket = try HardeningSocket(port: tally.port)
                _ = try socket.send(bytes)
                #expect(try socket.closes(within: 5))
            }

            let probe = try HardeningSocket(port: tally.port)
            let asked = Hardening.now()
            #expect(try probe.call("PING", timeout: 5) == .simpleString("PONG"))
            let latency = Hardening.now() - asked
            #expect(latency < 1, "PING took \(latency) s")
            let fields = try Hardening.info(try tally.connect(), "clients", "memory").fields
            let connected = Int(fields["connected_clients"] ?? "") ?? 0
            #expect(connected >= 1021, "connected_clients \(connected): the idle connections should still be open")
            let rss = Hardening.residentBytes(of: tally.child.pid) ?? 0
            #expect(rss - baseline < 64 << 20, "RSS grew by \((rss - baseline) >> 20) MiB for 1,020 connections that sent (almost) nothing")
            #expect(idle.count + stalled.count == 1020)
            #expect(tally.child.isRunning)
        }
    }
}

/// Writes a pipeline on its own thread without ever reading (as a client that
/// does not read its replies), until all is sent or `stop()`.
final class HardeningPipelineSender: Sendable {
    let total: Int
    /// Bytes the kernel accepted so far, whether to stop, and whether the thread ended.
    private let state = Locked((sent: 0, stopping: false, done: false))

    init(fd: Int32, bytes: [UInt8]) {
        total = bytes.count
        Thread { [state] in
            defer { state.withLock { $0.done = true } }
            var offset = 0
            while offset < bytes.count && !state.withLock({ $0.stopping }) {
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                guard poll(&descriptor, 1, 50) > 0 else { continue }
                let sent = bytes[offset...].withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress, min($0.count, 256 * 1024), Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                }
                if sent < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return
                }
                offset += sent
                state.withLock { $0.sent = offset }
            }
        }.start()
    }

    var sent: Int { state.withLock { $0.sent } }

    /// Whether everything was sent within `timeout` seconds.
    func finished(within timeout: Double) -> Bool {
        state.wait(until: Date().addingTimeInterval(timeout)) { $0.sent == total }
    }

    func stop() {
        state.withLock { $0.stopping = true }
        _ = state.wait(until: Date().addingTimeInterval(10)) { $0.done }
    }
}

/// A small deterministic generator (SplitMix64) for reproducible garbage.
struct HardeningRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextByte() -> UInt8 { UInt8(truncatingIfNeeded: next() >> 24) }
}
