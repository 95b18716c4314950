import Foundation
import Testing

/// Swappable the other way: the article's Flask app, unmodified, against tally-server.
@Suite("the article's Flask app against tally-server")
struct FlaskAgainstTallyServerTests {
    @Test("python app.py counts b'1', b'2', b'3' through tally-server reached as `redis`")
    func articleAppCounts() async throws {
        let topology = try await NetworkTopology.make(.solo)
        defer { try? topology.tearDown() }
        let host = try topology.solo
        let directory = try TemporaryDirectory()
        let server = try await TallyServer.start(database: directory.file("tally.db"), port: 6379, on: host)
        defer { server.stop() }
        let flask = try await FlaskApp.start(.articleMain, on: host)
        defer { flask.stop() }

        for count in 1...3 {
            let response = try await Curl.fetch("\(flask.url)/", on: host)
            #expect(response.status == 200, "tally-server: \(server.child.output)")
            #expect(response.body == articlePage(count))
        }
        let cli = try Paths.systemTool("redis-cli", debianPackage: "redis-tools")
        #expect(try await host.execute(cli, ["-h", "redis", "-p", "6379", "GET", "hits"]).stdout == "3\n")
        if let sqlite = try? Paths.systemTool("sqlite3", debianPackage: "sqlite3") {
            let stored = try await execute(sqlite, [directory.file("tally.db"), "SELECT value FROM counters WHERE key = 'hits'"])
            #expect(stored.stdout == "3\n", "sqlite3: \(stored.stderr)")
        }
    }
}
