import Foundation
import Testing

/// Swappable one way: tally-web counts correctly against Debian's real `redis-server`.
@Suite("tally-web against redis-server")
struct WebAgainstRedisTests {
    @Test("sequential requests show 1…N, and Redis holds N")
    func sequentialCounts() async throws {
        let directory = try TemporaryDirectory()
        let redis = try await RedisServer.start(directory: directory.path)
        defer { redis.stop() }
        let web = try await TallyWeb.start(cachePort: redis.port)
        defer { web.stop() }

        var shown: [Int] = []
        for _ in 1...10 {
            let response = try await Curl.fetch("\(web.url)/")
            #expect(response.status == 200)
            shown.append(try #require(viewCount(in: response.body), "unexpected page: \(response.body)"))
        }
        #expect(shown == Array(1...10))
        let cli = try Paths.systemTool("redis-cli", debianPackage: "redis-tools")
        #expect(try await execute(cli, ["-p", String(redis.port), "GET", "hits"]).stdout == "10\n")
    }

    @Test("200 concurrent requests show exactly 1…200, no number twice")
    func concurrentCountsAreUnique() async throws {
        let directory = try TemporaryDirectory()
        let redis = try await RedisServer.start(directory: directory.path)
        defer { redis.stop() }
        let web = try await TallyWeb.start(cachePort: redis.port)
        defer { web.stop() }

        let (statuses, bodies) = try await Curl.fetchAll("\(web.url)/", count: 200, parallel: 50, into: directory.path)
        #expect(statuses == Array(repeating: 200, count: 200))
        let counts = bodies.compactMap(viewCount(in:))
        #expect(counts.count == 200, "pages without a count: \(bodies.filter { viewCount(in: $0) == nil }.prefix(3))")
        #expect(counts.sorted() == Array(1...200))
    }

    @Test("the page is the article's text with an HTML content type")
    func pageFormat() async throws {
        let directory = try TemporaryDirectory()
        let redis = try await RedisServer.start(directory: directory.path)
        defer { redis.stop() }
        let web = try await TallyWeb.start(cachePort: redis.port)
        defer { web.stop() }

        let response = try await HTTPTestConnection.exchange(port: web.port, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")[0]
        #expect(response.status == 200)
        #expect(response.text == "This Compose/Flask demo has been viewed 1 time(s).")
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        #expect(response.header("Content-Length") == String(response.body.count))
    }
}
