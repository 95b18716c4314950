import Foundation
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// tally-web's behaviour as orchestrators and visitors see it, against tally-server.
@Suite("tally-web behaviour")
struct WebBehaviourTests {
    @Test("cache down: / and /readyz answer 503, /healthz 200; cache back: the next count, same tally-web")
    func recoversWhenTheCacheReturns() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.file("tally.db")
        let first = try await TallyServer.start(database: database)
        let web = try await TallyWeb.start(cachePort: first.port)
        defer { web.stop() }

        let before = try await Curl.fetch("\(web.url)/")
        #expect(before.status == 200)
        #expect(viewCount(in: before.body) == 1)

        #expect(await first.stopped() == .exited(0))
        let down = try await Curl.fetch("\(web.url)/")
        #expect(down.status == 503)
        #expect(down.body.lowercased().contains("cache"), "503 should say the cache is unavailable: \(down.body)")
        #expect(try await Curl.fetch("\(web.url)/readyz").status == 503)
        #expect(try await Curl.fetch("\(web.url)/healthz").status == 200)
        #expect(web.child.isRunning)

        let second = try await TallyServer.start(database: database, port: first.port)
        defer { second.stop() }
        let ready = try await Curl.awaitStatus(200, at: "\(web.url)/readyz", timeout: 30)
        #expect(ready != nil, "/readyz did not turn 200 within 30 s of the cache's return")
        let after = try await Curl.fetch("\(web.url)/")
        #expect(after.status == 200)
        #expect(viewCount(in: after.body) == 2)
    }

    @Test("cache absent at start: 503 until it appears, then counting from 1")
    func startsBeforeTheCache() async throws {
        let directory = try TemporaryDirectory()
        let port = try freeLoopbackPort()
        let web = try await TallyWeb.start(cachePort: port, waitForCache: false)
        defer { web.stop() }

        #expect(try await Curl.fetch("\(web.url)/").status == 503)
        #expect(try await Curl.fetch("\(web.url)/readyz").status == 503)
        #expect(try await Curl.fetch("\(web.url)/healthz").status == 200)

        let server = try await TallyServer.start(database: directory.file("tally.db"), port: port)
        defer { server.stop() }
        #expect(try await Curl.awaitStatus(200, at: "\(web.url)/readyz", timeout: 30) != nil)
        #expect(viewCount(in: try await Curl.fetch("\(web.url)/").body) == 1)
    }

    @Test("/healthz 200, unknown path 404, wrong method 405 with Allow")
    func routes() async throws {
        let directory = try TemporaryDirectory()
        let server = try await TallyServer.start(database: directory.file("tally.db"))
        defer { server.stop() }
        let web = try await TallyWeb.start(cachePort: server.port)
        defer { web.stop() }

        let connection = try await HTTPTestConnection.open(port: web.port)
        let health = try await connection.request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(health.status == 200)
        #expect(health.text == "ok\n")

        #expect(try await connection.request("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").status == 404)

        let wrongMethod = try await connection.request("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        #expect(wrongMethod.status == 405)
        let allowed = try #require(wrongMethod.header("Allow"), "405 without Allow")
        #expect(allowed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains("GET"))

        #expect(try await connection.request("DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status == 405)

        let page = try await connection.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(viewCount(in: page.text) == 1, "refused requests must not count")
    }

    @Test("SIGTERM: exit 0 within 3 s, even with an idle keep-alive connection open")
    func sigtermExitsQuickly() async throws {
        let directory = try TemporaryDirectory()
        let server = try await TallyServer.start(database: directory.file("tally.db"))
        defer { server.stop() }
        let web = try await TallyWeb.start(cachePort: server.port)

        let connection = try await HTTPTestConnection.open(port: web.port)
        #expect(try await connection.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)

        // Timed on the waiting thread, so the test's own scheduling is not counted.
        let (ended, elapsed) = try await offThread {
            let start = Date()
            web.child.signal(SIGTERM)
            return (web.child.waitForExit(timeout: 3), Date().timeIntervalSince(start))
        }
        #expect(ended == .exited(0), "after SIGTERM: \(ended.map(\.description) ?? "still running after 3 s"); \(web.child.output)")
        #expect(elapsed < 3)
        #expect(try await connection.closed(within: 5), "the kept-alive connection should be closed")
    }
}
