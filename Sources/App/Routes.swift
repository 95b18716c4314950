import HTTP
import RESP

/// The article's routes: `/` counts a visit through the cache, `/healthz`
/// says the process runs, `/readyz` says whether the cache answers.
package final class Routes {
    private let cache: CacheClient
    package let metrics: Metrics

    package init(cache: CacheClient, metrics: Metrics = Metrics()) {
        self.cache = cache
        self.metrics = metrics
    }

    /// The label a request's path gets in /metrics.
    static func routeLabel(_ path: Substring) -> String {
        ["/", "/healthz", "/readyz", "/metrics"].contains(String(path)) ? String(path) : "other"
    }

    /// The key the article's app increments.
    static let counterKey = "hits"

    package func respond(to request: HTTPRequest, _ respond: @escaping (HTTPResponse) -> Void) {
        let known = ["/", "/healthz", "/readyz", "/metrics"]
        guard known.contains(String(request.path)) else {
            return respond(HTTPResponse(status: .notFound, body: "404 Not Found: no route for \(request.path)\n"))
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return respond(HTTPResponse(status: .methodNotAllowed, body: "405 Method Not Allowed: use GET\n",
                                        headers: [("Allow", "GET, HEAD")]))
        }
        switch request.path {
        case "/healthz":
            respond(HTTPResponse(status: .ok, body: "ok\n"))
        case "/metrics":
            respond(HTTPResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8",
                                 body: metrics.render(reconnects: cache.reconnects, connected: cache.isConnected)))
        case "/readyz":
            timedSend(["PING"]) { result in
                switch result {
                case .success: respond(HTTPResponse(status: .ok, body: "ready\n"))
                case .failure(let error): respond(HTTPResponse(status: .serviceUnavailable, body: "not ready: \(error)\n"))
                }
            }
        default:
            countVisit(respond)
        }
    }

    /// Sends through the cache client, timing the round trip for /metrics.
    private func timedSend(_ command: [String], _ completion: @escaping (Result<RESPValue, CacheError>) -> Void) {
        let started = Metrics.now()
        cache.send(command) { [metrics] result in
            let failed: Bool
            if case .failure = result { failed = true } else { failed = false }
            metrics.recordCacheReply(seconds: Double(Metrics.now() - started) / 1e6, failed: failed)
            completion(result)
        }
    }

    /// One INCR, and its reply is the number shown: concurrent visitors
    /// never see the same count (the article's INCR-then-GET could).
    private func countVisit(_ respond: @escaping (HTTPResponse) -> Void) {
        timedSend(["INCR", Routes.counterKey]) { result in
            switch result {
            case .success(.integer(let count)):
                respond(HTTPResponse(status: .ok, contentType: "text/html; charset=utf-8",
                                     body: "This Compose/Flask demo has been viewed \(count) time(s)."))
            case .success(let other):
                respond(HTTPResponse(status: .internalServerError, body: "unexpected reply from the cache: \(other)\n"))
            case .failure(.server(let message)):
                respond(HTTPResponse(status: .internalServerError, body: "cache error: \(message)\n"))
            case .failure(let error):
                respond(HTTPResponse(status: .serviceUnavailable, body: "The cache is unavailable (\(error)). Try again shortly.\n",
                                     headers: [("Retry-After", "1")]))
            }
        }
    }
}
