import Foundation
import Testing

/// tally-web's HTTP/1.1 edges over raw connections: limits and pipelining.
/// Tests of refused requests end with a GET / showing 1: none reached the cache.
@Suite("tally-web HTTP limits and pipelining")
struct HTTPLimitTests {
    /// A tally-web on a fresh tally-server.
    final class Fixture: Sendable {
        let directory: TemporaryDirectory
        let server: TallyServer
        let web: TallyWeb

        private init(directory: TemporaryDirectory, server: TallyServer, web: TallyWeb) {
            self.directory = directory
            self.server = server
            self.web = web
        }

        static func start() async throws -> Fixture {
            let directory = try TemporaryDirectory()
            let server = try await TallyServer.start(database: directory.file("tally.db"))
            let web = try await TallyWeb.start(cachePort: server.port)
            return Fixture(directory: directory, server: server, web: web)
        }

        /// Sends `request` on a new connection; the first response.
        func send(_ request: String) async throws -> HTTPTestResponse {
            try await HTTPTestConnection.exchange(port: web.port, request)[0]
        }

        /// The count a new visitor sees now.
        func nextCount() async throws -> Int? {
            viewCount(in: try await Curl.fetch("\(web.url)/").body)
        }

        deinit {
            web.stop()
            server.stop()
        }
    }

    @Test("a request line over 8 KiB → 414")
    func longRequestLine() async throws {
        let fixture = try await Fixture.start()
        let response = try await fixture.send("GET /" + String(repeating: "a", count: 9 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 414)
        #expect(try await fixture.nextCount() == 1)
    }

    @Test("a request line under 8 KiB is served (404 for an unknown path)")
    func requestLineUnderTheLimit() async throws {
        let fixture = try await Fixture.start()
        let response = try await fixture.send("GET /" + String(repeating: "a", count: 8000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 404)
    }

    @Test("headers over 32 KiB → 431")
    func largeHeaders() async throws {
        let fixture = try await Fixture.start()
        let filler = (0..<40).map { "X-Fill-\($0): " + String(repeating: "f", count: 1000) + "\r\n" }.joined()
        #expect(try await fixture.send("GET / HTTP/1.1\r\nHost: x\r\n" + filler + "\r\n").status == 431)
        #expect(try await fixture.nextCount() == 1)
    }

    @Test("more than 100 header fields → 431")
    func manyHeaderFields() async throws {
        let fixture = try await Fixture.start()
        let fields = (0..<120).map { "X-Field-\($0): \($0)\r\n" }.joined()
        #expect(try await fixture.send("GET / HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n").status == 431)
        #expect(try await fixture.nextCount() == 1)
    }

    @Test("Content-Length over 1 MiB → 413 before any of the body is sent")
    func bodyTooLarge() async throws {
        let fixture = try await Fixture.start()
        let response = try await fixture.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(2 * 1024 * 1024)\r\n\r\n")
        #expect(response.status == 413)
        #expect(try await fixture.nextCount() == 1)
    }

    @Test("pipelined requests on one connection are answered in order")
    func pipelining() async throws {
        let fixture = try await Fixture.start()
        let requests = ["/", "/healthz", "/nope", "/", "/readyz", "/"]
            .map { "GET \($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
        let responses = try await HTTPTestConnection.exchange(port: fixture.web.port, requests, responses: 6)
        let answers = responses.map { response in
            let detail = response.status == 404 ? "" : viewCount(in: response.text).map(String.init) ?? response.text
            return "\(response.status) \(detail)"
        }
        #expect(answers == ["200 1", "200 ok\n", "404 ", "200 2", "200 ready\n", "200 3"])
    }

    @Test("a body up to 1 MiB is read, and the next pipelined request still answered")
    func bodyAtTheLimit() async throws {
        let fixture = try await Fixture.start()
        let length = 1024 * 1024
        let request = Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n".utf8)
            + [UInt8](repeating: UInt8(ascii: "b"), count: length)
            + Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let responses = try await HTTPTestConnection.exchange(port: fixture.web.port, request, responses: 2)
        #expect(responses.map(\.status) == [405, 200])
        #expect(viewCount(in: responses[1].text) == 1)
    }
}
