import EventLoop
import HTTP
import Logging
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// tally-web's HTTP/1.1 server on the project's event loop: keep-alive,
/// pipelining answered in order, limits and timeouts so that slow or
/// hostile clients cannot pin connections or memory.
package final class WebServer {
    package let configuration: WebConfiguration
    let logger: Logger
    let loop: EventLoop
    let cache: CacheClient
    let routes: Routes
    private var listener: TCPListener?
    var connections: [Int32: HTTPConnection] = [:]
    /// Set by SIGTERM: answers say `Connection: close`, and the process ends
    /// when the last connection does (or after `drainMilliseconds`).
    private(set) var draining = false
    /// Pipelined requests read ahead of their responses, per connection.
    static let maxInFlight = 64

    package init(configuration: WebConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        loop = try EventLoop()
        listener = try TCPListener(host: configuration.bind, port: configuration.port)
        cache = CacheClient(loop: loop, configuration: configuration.cache, logger: logger)
        routes = Routes(cache: cache)
    }

    package var address: SocketAddress? { listener?.localAddress }

    /// Serves until SIGTERM/SIGINT, then stops accepting and finishes the
    /// requests in flight (at most `drainMilliseconds`). A second signal exits at once.
    package func run() throws {
        guard let listener else { return }
        try loop.onSignals([SIGINT, SIGTERM]) { [unowned self] _ in
            if draining { exit(0) }
            beginDraining()
        }
        try loop.register(listener.fd, interest: .read, handler: WebListenerEvents(server: self))
        loop.every(milliseconds: 250) { [unowned self] in expireConnections() }
        cache.start()
        logger.info("listening on \(listener.localAddress)", [
            "addr": listener.localAddress.description, "cache": "\(configuration.cache.host):\(configuration.cache.port)",
        ])
        try loop.run {}
        for connection in Array(connections.values) { close(connection) }
        cache.close()
        logger.info("stopped")
    }

    private func beginDraining() {
        draining = true
        logger.info("shutting down: finishing requests in flight")
        if let listener {
            loop.unregister(listener.fd)
            listener.close()
            self.listener = nil
        }
        for connection in Array(connections.values) where connection.inFlight == 0 { close(connection) }
        loop.after(milliseconds: Int(configuration.drainMilliseconds)) { [unowned self] in loop.stop() }
        stopIfDrained()
    }

    func stopIfDrained() {
        if draining && connections.isEmpty { loop.stop() }
    }

    func acceptConnections() {
        guard let listener else { return }
        for _ in 0..<64 {
            let accepted: (fd: Int32, peer: SocketAddress)?
            do { accepted = try listener.accept() } catch {
                logger.warning("accept failed; pausing accepts for 100 ms", ["error": "\(error)"])
                listener.pauseAccepting(on: loop, milliseconds: 100)
                return
            }
            guard let (fd, peer) = accepted else { return }
            guard connections.count < configuration.maxConnections else {
                Socket.close(fd)
                continue
            }
            let connection = HTTPConnection(fd: fd, peer: peer, now: EventLoop.monotonicMilliseconds())
            do {
                try loop.register(fd, interest: .read, handler: WebConnectionEvents(server: self, connection: connection))
            } catch {
                Socket.close(fd)
                continue
            }
            Socket.setNoDelay(fd)
            connections[fd] = connection
        }
    }

    /// Closes connections whose request head is too slow or that idled too long.
    private func expireConnections() {
        let now = EventLoop.monotonicMilliseconds()
        for connection in Array(connections.values) {
            if let since = connection.partialSince, now - since > configuration.headerTimeoutMilliseconds {
                respondWithError(connection, HTTPError(.requestTimeout, "request not received in time"))
            } else if connection.inFlight == 0 && connection.input.isEmpty
                        && now - connection.lastActivity > configuration.idleTimeoutMilliseconds {
                close(connection)
            }
        }
    }

    func close(_ connection: HTTPConnection) {
        guard !connection.isClosed else { return }
        connection.isClosed = true
        loop.unregister(connection.fd)
        Socket.close(connection.fd)
        connections[connection.fd] = nil
        stopIfDrained()
    }
}

final class WebListenerEvents: EventHandler {
    unowned let server: WebServer
    init(server: WebServer) { self.server = server }
    func handle(_ events: ReadyEvents, on loop: EventLoop) { server.acceptConnections() }
}

final class WebConnectionEvents: EventHandler {
    unowned let server: WebServer
    let connection: HTTPConnection
    init(server: WebServer, connection: HTTPConnection) {
        self.server = server
        self.connection = connection
    }
    func handle(_ events: ReadyEvents, on loop: EventLoop) { server.connectionReady(connection, events) }
}
