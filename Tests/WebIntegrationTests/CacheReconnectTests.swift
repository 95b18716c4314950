import Foundation
import Testing

/// How tally-web's cache pool reconnects when the cache accepts connections and
/// then drops them at once (Redis at `maxclients`, or refusing a client in protected mode).
@Suite("tally-web reconnect backoff")
struct CacheReconnectTests {
    /// Known bug (reported, not fixed here): `CacheConnection.becomeReady` resets the
    /// backoff to its minimum as soon as TCP connects, before the cache has answered
    /// anything, so a cache that accepts and then refuses is reconnected to every 50 ms
    /// by each of the 4 pooled connections (~80 connections a second, each logged at warn).
    @Test("a cache that accepts then refuses is retried with growing backoff, not every 50 ms")
    func backsOffFromARefusingCache() async throws {
        let cache = try RefusingCache()
        let web = try await TallyWeb.start(cachePort: cache.port, waitForCache: false)
        defer {
            web.stop()
            cache.stop()
        }
        // A measurement window, not synchronisation: count the connections made in it.
        let start = cache.connections
        try await Task.sleep(for: .seconds(3))
        let made = cache.connections - start
        // Doubling from 50 ms toward 2 s, 4 connections make about 6 attempts each in 3 s.
        #expect(made <= 40, "tally-web connected \(made) times in 3 s to a cache that refuses every connection")
        #expect(try await Curl.fetch("\(web.url)/readyz").status == 503)
    }
}
