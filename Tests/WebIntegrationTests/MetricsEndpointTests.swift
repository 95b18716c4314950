import Foundation
import Testing

/// `GET /metrics`: a valid Prometheus text exposition whose counters and
/// histograms agree with the requests the test made.
@Suite("tally-web /metrics")
struct MetricsEndpointTests {
    /// Fetches /metrics on a new connection; the response and its parsed text.
    static func scrape(port: Int) async throws -> (HTTPTestResponse, HardeningMetricsText) {
        let response = try await HTTPTestConnection.exchange(port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")[0]
        return (response, HardeningMetricsText(response.text))
    }

    @Test("requests are counted by route and status; the latency histograms agree with the counts")
    func countsByRouteAndStatus() async throws {
        let directory = try TemporaryDirectory()
        let server = try await TallyServer.start(database: directory.file("tally.db"))
        defer { server.stop() }
        let web = try await TallyWeb.start(cachePort: server.port)
        defer { web.stop() }
        let port = web.port

        let plan: [(request: String, status: Int)] = [
            ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 200), ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 200),
            ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 200), ("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200),
            ("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200), ("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404),
            ("GET /wp-login.php HTTP/1.1\r\nHost: x\r\n\r\n", 404), ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
            ("GET / HTTP/1.1\r\nHost: x\r\n" + (0..<120).map { "X-\($0): y\r\n" }.joined() + "\r\n", 431),
        ]
        for (request, status) in plan {
            let response = try await HTTPTestConnection.exchange(port: port, request)[0]
            #expect(response.status == status, "\(request.prefix(30).debugDescription)")
        }
        let (response, metrics) = try await Self.scrape(port: port)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.problems.isEmpty, "format problems: \(metrics.problems)")

        let requests = "tally_web_requests_total"
        #expect(metrics.types[requests] == "counter")
        #expect(metrics.value(requests, ["route": "/", "status": "200"]) == 3)
        #expect(metrics.value(requests, ["route": "/healthz", "status": "200"]) == 2)
        #expect(metrics.value(requests, ["route": "other", "status": "404"]) == 2)
        #expect(metrics.value(requests, ["route": "/", "status": "405"]) == 1)
        #expect(metrics.value(requests, ["route": "other", "status": "431"]) == 1)
        // The /readyz polls made while starting, and this scrape is not counted in itself.
        let readyz = metrics.value(requests, ["route": "/readyz", "status": "200"]) ?? 0
        #expect(readyz >= 1)
        #expect(metrics.value(requests, ["route": "/metrics", "status": "200"]) == nil)
        let total = metrics.all(requests).reduce(0) { $0 + $1.value }
        #expect(total == 9 + readyz, "every request is counted once: \(metrics.all(requests).map { "\($0.labels) \($0.value)" })")

        for histogram in ["tally_web_request_duration_seconds", "tally_web_cache_roundtrip_seconds"] {
            #expect(metrics.types[histogram] == "histogram", "\(histogram) TYPE")
            let buckets = metrics.all(histogram + "_bucket")
            let bounds = buckets.map { $0.labels["le"] ?? "?" }
            #expect(bounds.last == "+Inf", "\(histogram) buckets: \(bounds)")
            let numeric = bounds.dropLast().compactMap(Double.init)
            #expect(numeric.count == bounds.count - 1 && numeric == numeric.sorted(), "\(histogram) bucket bounds: \(bounds)")
            let counts = buckets.map(\.value)
            #expect(counts == counts.sorted(), "\(histogram) buckets must be cumulative: \(counts)")
            #expect(counts.last == metrics.value(histogram + "_count"), "\(histogram): +Inf bucket ≠ _count")
            #expect((metrics.value(histogram + "_sum") ?? -1) >= 0)
        }
        // Every answered request is in the latency histogram; every cache command (INCR for /, PING for /readyz) in the round-trip one.
        #expect(metrics.value("tally_web_request_duration_seconds_count") == total)
        #expect(metrics.value("tally_web_cache_roundtrip_seconds_count") == 3 + readyz)
        #expect(metrics.value("tally_web_cache_errors_total") == 0)
        #expect(metrics.value("tally_web_cache_reconnects_total") == 0)
        #expect(metrics.value("tally_web_cache_connected") == 1)

        // The scrape itself shows up in the next one.
        let (_, again) = try await Self.scrape(port: port)
        #expect(again.value(requests, ["route": "/metrics", "status": "200"]) == 1)
    }

    @Test("a scanner's many paths share one label: the series stay few")
    func labelsStayBounded() async throws {
        let directory = try TemporaryDirectory()
        let server = try await TallyServer.start(database: directory.file("tally.db"))
        defer { server.stop() }
        let web = try await TallyWeb.start(cachePort: server.port)
        defer { web.stop() }
        let paths = (0..<300).map { "GET /scan/\($0)/\(UUID().uuidString) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
        let responses = try await HTTPTestConnection.exchange(port: web.port, Array(paths.utf8), responses: 300)
        #expect(responses.allSatisfy { $0.status == 404 })
        let (_, metrics) = try await Self.scrape(port: web.port)
        #expect(metrics.value("tally_web_requests_total", ["route": "other", "status": "404"]) == 300)
        let series = metrics.all("tally_web_requests_total")
        #expect(series.count <= 3, "one series per route and status, not per path: \(series.count)")
        #expect(!metrics.samples.contains { $0.labels.values.contains { $0.contains("scan") } })
    }

    @Test("cache down: 503s, cache errors and reconnects are counted and the connected gauge drops; back up, it returns to 1")
    func cacheOutage() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.file("tally.db")
        let first = try await TallyServer.start(database: database)
        let web = try await TallyWeb.start(cachePort: first.port)
        defer { web.stop() }
        #expect(try await Curl.fetch("\(web.url)/").status == 200)
        #expect(await first.stopped() == .exited(0))

        var unavailable = 0
        for _ in 0..<3 {
            if try await Curl.fetch("\(web.url)/").status == 503 { unavailable += 1 }
        }
        #expect(unavailable == 3)
        let (_, down) = try await Self.scrape(port: web.port)
        #expect(down.problems.isEmpty, "\(down.problems)")
        #expect(down.value("tally_web_requests_total", ["route": "/", "status": "503"]) == 3)
        #expect((down.value("tally_web_cache_errors_total") ?? 0) >= 3, "each failed INCR is a cache error")
        #expect((down.value("tally_web_cache_reconnects_total") ?? 0) >= 1)
        #expect(down.value("tally_web_cache_connected") == 0)

        let second = try await TallyServer.start(database: database, port: first.port)
        defer { second.stop() }
        #expect(try await Curl.awaitStatus(200, at: "\(web.url)/readyz", timeout: 30) != nil)
        let (_, up) = try await Self.scrape(port: web.port)
        #expect(up.value("tally_web_cache_connected") == 1)
        #expect((up.value("tally_web_cache_reconnects_total") ?? 0) >= (down.value("tally_web_cache_reconnects_total") ?? 0))
    }
}
