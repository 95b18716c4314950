import Foundation
import Testing

/// scripts/healthcheck.sh, the image's HEALTHCHECK and the compose `redis` healthcheck,
/// against the real binaries.
@Suite("container healthcheck script")
struct HealthcheckScriptTests {
    private func check(_ arguments: [String]) async throws -> Termination {
        let output = try await execute("/bin/bash", [Paths.inPackage("scripts/healthcheck.sh")] + arguments,
                                       environment: cleanEnvironment())
        if output.termination != .exited(0) { print("healthcheck.sh \(arguments): \(output.stderr)") }
        return output.termination
    }

    @Test("healthy when tally-server answers PING and tally-web answers /healthz; not when the port is wrong")
    func healthyAndUnhealthy() async throws {
        let directory = try TemporaryDirectory()
        let server = try await TallyServer.start(database: directory.file("tally.db"))
        defer { server.stop() }
        let web = try await TallyWeb.start(cachePort: server.port)
        defer { web.stop() }

        #expect(try await check(["server", String(server.port)]) == .exited(0))
        #expect(try await check(["web", String(web.port)]) == .exited(0))
        #expect(try await check(["server", String(web.port)]) == .exited(1))
        #expect(try await check(["web", String(server.port)]) == .exited(1))
        #expect(try await check(["server", String(try freeLoopbackPort())]) == .exited(1))
        #expect(try await check(["nonsense"]) == .exited(2))
    }

    @Test("web is healthy while the cache is down (liveness), unlike /readyz")
    func livenessIgnoresTheCache() async throws {
        let web = try await TallyWeb.start(cachePort: try freeLoopbackPort(), waitForCache: false)
        defer { web.stop() }
        #expect(try await check(["web", String(web.port)]) == .exited(0))
        #expect(try await Curl.fetch("\(web.url)/readyz").status == 503)
    }
}
