import Foundation
import Testing

/// The compose topology without Docker: a `cache` host and a `web` host (network
/// namespaces on one veth link), the web host reaching the cache by the name `redis`.
@Suite("two-host topology")
struct TwoHostTopologyTests {
    @Test("tally-web → tally-server, then the article's Flask app → tally-server, then tally-web → redis-server")
    func swapBothTiers() async throws {
        let topology = try await NetworkTopology.make(.twoHosts)
        defer { try? topology.tearDown() }
        let cache = try topology.cache, web = try topology.web
        let cacheAddress = try topology.value("CACHE_ADDR"), webAddress = try topology.value("WEB_ADDR")
        let page = "http://\(webAddress):5000/", readyz = "http://\(webAddress):5000/readyz"
        let cli = try Paths.systemTool("redis-cli", debianPackage: "redis-tools")
        let directory = try TemporaryDirectory()

        // 1. Our two tiers as docker-compose.yml runs them: the web host sets only REDIS_HOST;
        //    the server, like Redis, needs protected mode off for a client off loopback.
        let server = try await TallyServer.start(database: directory.file("tally.db"), bind: cacheAddress, port: 6379,
                                                 arguments: ["--protected-mode", "no"], on: cache)
        let tallyWeb = try await TallyWeb.start(environment: ["REDIS_HOST": "redis"], on: web)
        #expect(tallyWeb.port == 5000)
        try await tallyWeb.ready(url: readyz, on: web)
        for count in 1...3 {
            let response = try await Curl.fetch(page, on: web)
            #expect(response.status == 200)
            #expect(viewCount(in: response.body) == count, "page: \(response.body)")
        }
        #expect(await tallyWeb.stopped() == .exited(0))

        // 2. The article's Flask app, unmodified, on the same web host: the count goes on.
        let flask = try await FlaskApp.start(.gunicorn(bind: webAddress), on: web)
        for count in 4...5 {
            let response = try await Curl.fetch(page, on: web)
            #expect(response.status == 200)
            #expect(response.body == articlePage(count))
        }
        _ = try await offThread { flask.stop() }
        #expect(try await cache.execute(cli, ["-h", cacheAddress, "GET", "hits"]).stdout == "5\n")
        #expect(await server.stopped() == .exited(0))

        // 3. The official server on the cache host, tally-web unchanged: a fresh count.
        let redis = try await RedisServer.start(bind: cacheAddress, port: 6379, directory: directory.path, on: cache)
        defer { redis.stop() }
        let again = try await TallyWeb.start(environment: ["REDIS_HOST": "redis"], on: web)
        defer { again.stop() }
        try await again.ready(url: readyz, on: web)
        for count in 1...3 {
            let response = try await Curl.fetch(page, on: web)
            #expect(response.status == 200)
            #expect(viewCount(in: response.body) == count, "page: \(response.body)")
        }
        #expect(try await cache.execute(cli, ["-h", cacheAddress, "GET", "hits"]).stdout == "3\n")
    }

    @Test("the web host resolves `redis` to the cache host through its own /etc/hosts; the host's is untouched")
    func namesResolvePerNamespace() async throws {
        let topology = try await NetworkTopology.make(.twoHosts)
        defer { try? topology.tearDown() }
        let cacheAddress = try topology.value("CACHE_ADDR")
        let getent = try Paths.systemTool("getent", debianPackage: "libc-bin")
        let resolved = try await topology.web.execute(getent, ["hosts", "redis"])
        #expect(resolved.stdout.split(separator: " ").first.map(String.init) == cacheAddress)
        let onHost = try await execute(getent, ["hosts", "redis"])
        #expect(!onHost.stdout.contains(cacheAddress))
    }
}
