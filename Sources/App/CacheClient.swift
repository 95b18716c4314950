import EventLoop
import Logging
import RESP

/// A few pipelined connections to the cache, shared by every HTTP request.
/// Commands go to the ready connection with the fewest replies owed, so
/// replies match requests in order on each connection.
package final class CacheClient {
    private let connections: [CacheConnection]
    private var deadlineTimer: TimerID?
    private let loop: EventLoop

    package init(loop: EventLoop, configuration: CacheConfiguration, logger: Logger) {
        self.loop = loop
        connections = (0..<max(1, configuration.poolSize)).map {
            CacheConnection(loop: loop, configuration: configuration, logger: logger, name: "cache-\($0)")
        }
    }

    /// Starts connecting; call on the loop thread.
    package func start() {
        for connection in connections { connection.start() }
        deadlineTimer = loop.every(milliseconds: 100) { [weak self] in
            let now = EventLoop.monotonicMilliseconds()
            for connection in self?.connections ?? [] { connection.checkDeadlines(now: now) }
        }
    }

    package var isConnected: Bool { connections.contains { $0.isReady } }
    package var reconnects: Int { connections.reduce(0) { $0 + $1.reconnects } }

    /// Sends `arguments` as one command on the ready connection with the
    /// fewest replies owed, or else on one still connecting (it waits there,
    /// within the reply timeout). Fails at once only when every connection
    /// is waiting to retry: the cache is down.
    package func send(_ arguments: [String], completion: @escaping (Result<RESPValue, CacheError>) -> Void) {
        let ready = connections.filter(\.isReady)
        let candidates = ready.isEmpty ? connections.filter(\.isConnecting) : ready
        guard let connection = candidates.min(by: { $0.inFlight < $1.inFlight }) else {
            let reason = connections.compactMap(\.lastFailure).last ?? "not connected to the cache"
            completion(.failure(.unavailable(reason)))
            return
        }
        connection.send(encodeCommand(arguments), completion: completion)
    }

    package func close() {
        if let deadlineTimer { loop.cancel(deadlineTimer) }
        for connection in connections { connection.close() }
    }
}
