import EventLoop
import HTTP
import Logging
import Testing
@testable import App

/// The article's routes, against a cache client that is not connected, and
/// against a fake RESP server on the test's own loop.
@Suite(.serialized) struct RoutesTests {
    /// A request as the server's parser would hand it over.
    static func request(_ method: String, _ target: String) throws -> HTTPRequest {
        let bytes = Array("\(method) \(target) HTTP/1.1\r\nHost: test\r\n\r\n".utf8)
        let parsed = bytes.withUnsafeBytes { buffer in
            Result { () throws(HTTPError) in try HTTPRequestParser().parse(buffer) }
        }
        return try #require(try parsed.get()).0
    }

    static func text(_ response: HTTPResponse) -> String {
        String(decoding: response.body, as: UTF8.self)
    }

    static func header(_ name: String, of response: HTTPResponse) -> String? {
        response.headers.first { $0.0 == name }?.1
    }

    /// The response `routes` gives when it answers at once (no cache round trip).
    static func immediate(_ routes: Routes, _ method: String, _ target: String) throws -> HTTPResponse {
        var answer: HTTPResponse?
        routes.respond(to: try request(method, target)) { answer = $0 }
        return try #require(answer)
    }

    /// A client that was never started: no connection is ever ready.
    static func disconnected() throws -> (EventLoop, Routes) {
        let loop = try EventLoop()
        var configuration = CacheConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 1
        let cache = CacheClient(loop: loop, configuration: configuration, logger: Logger(minimumLevel: .error))
        return (loop, Routes(cache: cache))
    }

    // MARK: Without a cache

    @Test(arguments: ["/healthz", "/healthz?verbose=1"], ["GET", "HEAD"])
    func healthzAnswersWithoutTheCache(target: String, method: String) throws {
        let (_, routes) = try Self.disconnected()
        let response = try Self.immediate(routes, method, target)
        #expect(response.status == .ok)
        #expect(Self.text(response) == "ok\n")
        #expect(Self.header("Content-Type", of: response) == "text/plain; charset=utf-8")
    }

    @Test(arguments: ["/nope", "/healthz/", "//", "/index.html", "/HEALTHZ", "*"])
    func unknownPathIs404(target: String) throws {
        let (_, routes) = try Self.disconnected()
        let response = try Self.immediate(routes, "GET", target)
        #expect(response.status == .notFound)
        #expect(Self.text(response) == "404 Not Found: no route for \(target)\n")
    }

    @Test func unknownPathIs404WhateverTheMethod() throws {
        let (_, routes) = try Self.disconnected()
        let response = try Self.immediate(routes, "POST", "/nope?x=1")
        #expect(response.status == .notFound)
        #expect(Self.text(response) == "404 Not Found: no route for /nope\n")
    }

    @Test(arguments: ["/", "/healthz", "/readyz"], ["POST", "PUT", "DELETE", "OPTIONS", "get"])
    func otherMethodsAre405WithAllow(target: String, method: String) throws {
        let (_, routes) = try Self.disconnected()
        let response = try Self.immediate(routes, method, target)
        #expect(response.status == .methodNotAllowed)
        #expect(Self.header("Allow", of: response) == "GET, HEAD")
        #expect(Self.text(response) == "405 Method Not Allowed: use GET\n")
    }

    @Test func readyzIs503WhenTheCacheIsNotConnected() throws {
        let (_, routes) = try Self.disconnected()
        let response = try Self.immediate(routes, "GET", "/readyz")
        #expect(response.status == .serviceUnavailable)
        #expect(Self.text(response) == "not ready: cache unavailable: not connected to the cache\n")
    }

    @Test func counterIs503WithRetryAfterWhenTheCacheIsNotConnected() throws {
        let (_, routes) = try Self.disconnected()
        let response = try Self.immediate(routes, "GET", "/?utm=1")
        #expect(response.status == .serviceUnavailable)
        #expect(Self.header("Retry-After", of: response) == "1")
        #expect(Self.text(response) ==
            "The cache is unavailable (cache unavailable: not connected to the cache). Try again shortly.\n")
    }

    // MARK: With a fake cache

    /// Starts a client of `server` on `loop`, then calls `body` once it is connected.
    static func withCache(_ loop: EventLoop, _ server: FakeRESPServer, replyTimeout: Int = 2000,
                          _ body: @escaping (Routes, CacheClient) -> Void) -> CacheClient {
        var configuration = CacheConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = server.port
        configuration.poolSize = 1
        configuration.replyTimeoutMilliseconds = replyTimeout
        let cache = CacheClient(loop: loop, configuration: configuration, logger: Logger(minimumLevel: .error))
        cache.start()
        let routes = Routes(cache: cache)
        when({ cache.isConnected }, on: loop) { body(routes, cache) }
        return cache
    }

    /// A cache holding one counter, answering INCR and PING as Redis does.
    static func counterServer(_ loop: EventLoop) throws -> FakeRESPServer {
        var counters: [String: Int] = [:]
        return try FakeRESPServer(loop: loop) { command in
            switch command.first?.uppercased() {
            case "PING": return Array("+PONG\r\n".utf8)
            case "INCR":
                counters[command[1], default: 0] += 1
                return Array(":\(counters[command[1]]!)\r\n".utf8)
            default: return Array("-ERR unknown command\r\n".utf8)
            }
        }
    }

    @Test func counterCountsEachVisitWithOneINCR() throws {
        let loop = try EventLoop()
        let server = try Self.counterServer(loop)
        var responses: [HTTPResponse] = []
        let cache = Self.withCache(loop, server) { routes, _ in
            failOnError(loop) {
                routes.respond(to: try Self.request("GET", "/")) { first in
                    responses.append(first)
                    failOnError(loop) {
                        routes.respond(to: try Self.request("HEAD", "/?again")) { second in
                            responses.append(second)
                            loop.stop()
                        }
                    }
                }
            }
        }
        try runUntilStopped(loop)
        cache.close()
        server.close(on: loop)

        #expect(responses.map(\.status) == [.ok, .ok])
        #expect(responses.map(Self.text) == [
            "This Compose/Flask demo has been viewed 1 time(s).",
            "This Compose/Flask demo has been viewed 2 time(s).",
        ])
        #expect(responses.map { Self.header("Content-Type", of: $0) } == ["text/html; charset=utf-8", "text/html; charset=utf-8"])
        // One INCR per visit and no GET: the reply is the number shown.
        #expect(server.commands == [["INCR", "hits"], ["INCR", "hits"]])
    }

    @Test func concurrentVisitorsNeverSeeTheSameCount() throws {
        let loop = try EventLoop()
        let server = try Self.counterServer(loop)
        var bodies: [String] = []
        let visitors = 20
        let cache = Self.withCache(loop, server) { routes, _ in
            failOnError(loop) {
                // All sent before any reply arrives: they share one pipelined connection.
                for _ in 0..<visitors {
                    routes.respond(to: try Self.request("GET", "/")) { response in
                        bodies.append(Self.text(response))
                        if bodies.count == visitors { loop.stop() }
                    }
                }
            }
        }
        try runUntilStopped(loop)
        cache.close()
        server.close(on: loop)
        #expect(bodies == (1...visitors).map { "This Compose/Flask demo has been viewed \($0) time(s)." })
        #expect(server.commands.count == visitors)
    }

    @Test func readyzIs200WhenTheCacheAnswersPING() throws {
        let loop = try EventLoop()
        let server = try Self.counterServer(loop)
        var response: HTTPResponse?
        let cache = Self.withCache(loop, server) { routes, _ in
            failOnError(loop) {
                routes.respond(to: try Self.request("GET", "/readyz")) {
                    response = $0
                    loop.stop()
                }
            }
        }
        try runUntilStopped(loop)
        cache.close()
        server.close(on: loop)
        let answer = try #require(response)
        #expect(answer.status == .ok)
        #expect(Self.text(answer) == "ready\n")
        #expect(server.commands == [["PING"]])
    }

    /// Routes `GET /` through a cache that answers INCR with `reply`.
    static func counterResponse(reply: String?, replyTimeout: Int = 2000) throws -> HTTPResponse {
        let loop = try EventLoop()
        let server = try FakeRESPServer(loop: loop) { _ in reply.map { Array($0.utf8) } }
        var response: HTTPResponse?
        let cache = Self.withCache(loop, server, replyTimeout: replyTimeout) { routes, _ in
            failOnError(loop) {
                routes.respond(to: try Self.request("GET", "/")) {
                    response = $0
                    loop.stop()
                }
            }
        }
        try runUntilStopped(loop)
        cache.close()
        server.close(on: loop)
        return try #require(response)
    }

    @Test func anErrorReplyIs500WithTheCachesMessage() throws {
        let response = try Self.counterResponse(reply: "-ERR value is not an integer or out of range\r\n")
        #expect(response.status == .internalServerError)
        #expect(Self.text(response) == "cache error: ERR value is not an integer or out of range\n")
    }

    @Test func aReplyThatIsNotAnIntegerIs500() throws {
        let response = try Self.counterResponse(reply: "$3\r\nabc\r\n")
        #expect(response.status == .internalServerError)
        #expect(Self.text(response) == "unexpected reply from the cache: \"abc\"\n")
    }

    @Test func noReplyWithinTheTimeoutIs503() throws {
        let response = try Self.counterResponse(reply: nil, replyTimeout: 150)
        #expect(response.status == .serviceUnavailable)
        #expect(Self.header("Retry-After", of: response) == "1")
        #expect(Self.text(response) == "The cache is unavailable (cache did not answer in time). Try again shortly.\n")
    }

    @Test func readyzIs503WhenTheCacheAnswersPINGWithAnError() throws {
        let loop = try EventLoop()
        let server = try FakeRESPServer(loop: loop) { _ in Array("-NOAUTH Authentication required.\r\n".utf8) }
        var response: HTTPResponse?
        let cache = Self.withCache(loop, server) { routes, _ in
            failOnError(loop) {
                routes.respond(to: try Self.request("GET", "/readyz")) {
                    response = $0
                    loop.stop()
                }
            }
        }
        try runUntilStopped(loop)
        cache.close()
        server.close(on: loop)
        let answer = try #require(response)
        #expect(answer.status == .serviceUnavailable)
        #expect(Self.text(answer) == "not ready: cache error: NOAUTH Authentication required.\n")
    }
}
