import Dispatch
import EventLoop
import Logging
import RESP

/// One pipelined RESP connection to the cache, on the loop thread: commands
/// are written as they come and replies complete them in order. It connects
/// (resolving the host name anew each time, so DNS changes are followed),
/// authenticates and selects the database, and reconnects with backoff
/// after any failure.
final class CacheConnection: EventHandler {
    typealias Completion = (Result<RESPValue, CacheError>) -> Void

    enum State: Equatable { case idle, resolving, connecting, ready, waitingToRetry, closed }

    private struct Pending {
        var deadline: Int64
        var completion: Completion?
    }

    private let loop: EventLoop
    private let configuration: CacheConfiguration
    private let logger: Logger
    private let name: String
    private(set) var state = State.idle
    private var fd: Int32 = -1
    private var output: [UInt8] = []
    private var outputSent = 0
    private var input: [UInt8] = []
    private var parser = ReplyParser()
    /// Replies owed by the server, oldest first; `pendingHead` skips answered ones.
    private var pending: [Pending] = []
    private var pendingHead = 0
    private var backoff: Int
    private var connectTimer: TimerID?
    private var generation = 0
    /// Called when the connection becomes ready or is lost, for metrics and logs.
    var onStateChange: ((State) -> Void)?
    private(set) var reconnects = 0
    /// Why the last attempt or connection failed, for /readyz and logs.
    private(set) var lastFailure: String?

    init(loop: EventLoop, configuration: CacheConfiguration, logger: Logger, name: String) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        self.name = name
        self.backoff = configuration.minimumBackoffMilliseconds
    }

    var isReady: Bool { state == .ready }
    /// Resolving or connecting: commands sent now wait for the connection.
    var isConnecting: Bool { state == .resolving || state == .connecting }
    var inFlight: Int { pending.count - pendingHead }

    /// Starts connecting unless already under way.
    func start() {
        guard state == .idle || state == .waitingToRetry else { return }
        state = .resolving
        generation += 1
        let generation = generation
        let host = configuration.host, port = configuration.port
        // getaddrinfo blocks; it runs off the loop, and its answer comes back through `execute`.
        let owner = LoopBound(self)
        DispatchQueue.global().async { [loop] in
            let result = Result { () throws(ResolveError) in try SocketAddress.resolve(host: host, port: port) }
            loop.execute { owner.value?.resolved(result.mapError { $0 as Error }, generation: generation) }
        }
    }

    private func resolved(_ result: Result<[SocketAddress], Error>, generation: Int) {
        guard generation == self.generation, state == .resolving else { return }
        let addresses: [SocketAddress]
        switch result {
        case .success(let found) where !found.isEmpty: addresses = found
        case .success: return fail("no address for \(configuration.host)")
        case .failure(let error): return fail("\(error)")
        }
        do {
            fd = try Socket.connect(to: addresses[0])
            Socket.setNoDelay(fd)
            state = .connecting
            try loop.register(fd, interest: .write, handler: self)
        } catch {
            return fail("connect to \(addresses[0]): \(error)")
        }
        connectTimer = loop.after(milliseconds: configuration.connectTimeoutMilliseconds) { [weak self] in
            guard let self, self.state == .connecting, self.generation == generation else { return }
            self.fail("connect timed out after \(self.configuration.connectTimeoutMilliseconds) ms")
        }
    }

    /// Sends one command; `completion` runs on the loop thread with its reply.
    func send(_ command: [UInt8], completion: Completion?) {
        output.append(contentsOf: command)
        pending.append(Pending(deadline: EventLoop.monotonicMilliseconds() + Int64(configuration.replyTimeoutMilliseconds),
                               completion: completion))
        if state == .ready { flush() }
    }

    func handle(_ events: ReadyEvents, on loop: EventLoop) {
        if state == .connecting {
            let error = Socket.pendingError(fd)
            guard error == 0 else { return fail("\(SystemError(call: "connect", errno: error))") }
            becomeReady()
            return
        }
        if events.isWritable { flush() }
        if events.isReadable || events.isHangup { readReplies() }
    }

    private func becomeReady() {
        if let connectTimer { loop.cancel(connectTimer) }
        connectTimer = nil
        // AUTH and SELECT go first; their replies are checked like any other.
        var handshake: [[UInt8]] = []
        if let password = configuration.password {
            handshake.append(encodeCommand(configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]))
        }
        if configuration.db != 0 { handshake.append(encodeCommand(["SELECT", String(configuration.db)])) }
        let queued = output
        let queuedPending = Array(pending[pendingHead...])
        output = []
        outputSent = 0
        pending = []
        pendingHead = 0
        for command in handshake {
            send(command) { [weak self] result in
                if case .failure(let error) = result { self?.fail("handshake: \(error)") }
            }
        }
        output.append(contentsOf: queued)
        pending.append(contentsOf: queuedPending)
        state = .ready
        logger.info("cache connected", ["conn": name, "host": configuration.host, "port": String(configuration.port)])
        onStateChange?(.ready)
        flush()
    }

    private func flush() {
        while outputSent < output.count {
            let offset = outputSent
            let result = output.withUnsafeBytes { buffer in
                Result { () throws(SystemError) -> IOResult in try Socket.write(fd, UnsafeRawBufferPointer(rebasing: buffer[offset...])) }
            }
            switch result {
            case .success(.bytes(let count)): outputSent += count
            case .success(.wouldBlock):
                try? loop.update(fd, interest: [.read, .write])
                return
            case .success(.closed): return fail("connection closed by the cache")
            case .failure(let error): return fail("write: \(error)")
            }
        }
        output.removeAll(keepingCapacity: true)
        outputSent = 0
        try? loop.update(fd, interest: .read)
    }

    private func readReplies() {
        while true {
            let result: IOResult
            do {
                result = try Socket.read(fd, appendingTo: &input, maxBytes: 64 * 1024)
            } catch {
                return fail("read: \(error)")
            }
            switch result {
            case .bytes: continue
            case .wouldBlock: break
            case .closed:
                deliverReplies()
                if state == .ready { fail("connection closed by the cache") }
                return
            }
            break
        }
        deliverReplies()
    }

    private func deliverReplies() {
        var offset = 0
        while offset < input.count && state == .ready {
            let start = offset
            let parsed = input.withUnsafeBytes { buffer in
                Result { () throws(ReplyParseError) -> (RESPValue, Int)? in
                    try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[start...]))
                }
            }
            let value: RESPValue
            switch parsed {
            case .success(nil): break
            case .success(let (reply, used)?):
                offset += used
                value = reply
                guard pendingHead < pending.count else {
                    // A server that refuses a connection (maxclients, protected
                    // mode) says why before anything was asked.
                    if case .error(let message) = value { return fail("the cache refused the connection: \(message)") }
                    return fail("reply without a request")
                }
                // A successful reply proves the connection works: reconnects start
                // from the shortest wait again. An error reply does not (a server
                // refusing clients answers every queued command with one).
                if case .error = value {} else { backoff = configuration.minimumBackoffMilliseconds }
                let completion = pending[pendingHead].completion
                pending[pendingHead].completion = nil
                pendingHead += 1
                if case .error(let message) = value { completion?(.failure(.server(message))) } else { completion?(.success(value)) }
                continue
            case .failure(let error):
                return fail("malformed reply: \(error.message)")
            }
            break
        }
        if offset > 0 && state == .ready { input.removeFirst(offset) }
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        }
    }

    /// Fails requests whose reply is overdue, closing the connection: a late
    /// reply could no longer be matched to its request.
    func checkDeadlines(now: Int64) {
        guard pendingHead < pending.count, pending[pendingHead].deadline < now else { return }
        fail("no reply within \(configuration.replyTimeoutMilliseconds) ms", error: .timeout)
    }

    private func fail(_ reason: String, error: CacheError? = nil) {
        // One failure, one retry: a second report of the same failure (an
        // error reply, then the close) must not schedule a second attempt.
        guard state != .waitingToRetry && state != .closed else { return }
        let wasReady = state == .ready
        lastFailure = reason
        if fd >= 0 {
            loop.unregister(fd)
            Socket.close(fd)
            fd = -1
        }
        if let connectTimer { loop.cancel(connectTimer) }
        connectTimer = nil
        let owed = pending[pendingHead...].compactMap(\.completion)
        pending = []
        pendingHead = 0
        output = []
        outputSent = 0
        input = []
        parser = ReplyParser()
        guard state != .closed else { return }
        state = .waitingToRetry
        generation += 1
        if wasReady {
            logger.warning("cache connection lost", ["conn": name, "reason": reason])
        } else {
            logger.debug("cache connect failed", ["conn": name, "reason": reason, "retry_ms": String(backoff)])
        }
        onStateChange?(.waitingToRetry)
        for completion in owed { completion(.failure(error ?? .unavailable(reason))) }
        reconnects += 1
        let delay = backoff
        backoff = min(backoff * 2, configuration.maximumBackoffMilliseconds)
        loop.after(milliseconds: delay) { [weak self] in self?.start() }
    }

    /// Closes for good (shutdown).
    func close() {
        state = .closed
        if fd >= 0 {
            loop.unregister(fd)
            Socket.close(fd)
            fd = -1
        }
    }
}

/// A weak reference carried through another thread and dereferenced only
/// back on the loop thread (inside `EventLoop.execute`), which is what makes
/// the unchecked Sendable safe.
private struct LoopBound<Object: AnyObject>: @unchecked Sendable {
    weak var value: Object?
    init(_ value: Object) { self.value = value }
}
