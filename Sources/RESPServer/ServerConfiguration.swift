import Logging
import RESP
import Store

/// tally-server's settings, from flags, environment and defaults.
package struct ServerConfiguration: Sendable {
    package var bind = "127.0.0.1"
    package var port = 6379
    package var databasePath = "data/tally.db"
    package var fsync = FsyncPolicy.always
    package var databases = 16
    package var limits = RequestLimits()
    package var logLevel = Logger.Level.info
    /// The default user's password; nil means no AUTH is required.
    package var requirePass: String? = nil
    /// Without a password, refuse clients that are not on loopback (Redis's protected mode).
    package var protectedMode = true
    package var maxClients = 10_000
    /// Close clients idle this many seconds (0: never), as Redis's `timeout`.
    package var idleTimeoutSeconds = 0
    /// A client whose unsent replies pass `outputBackpressureBytes` is not
    /// read until they drain; past `outputLimitBytes` it is closed.
    package var outputBackpressureBytes = 1 << 20
    package var outputLimitBytes = 64 << 20
    /// Unparsed input one client may have buffered (`client-query-buffer-limit`).
    package var queryBufferLimitBytes = 1 << 30
    /// SLOWLOG: commands slower than this many microseconds (negative: none), and how many are kept.
    package var slowlogThresholdMicroseconds: Int64 = 10_000
    package var slowlogMaxLength = 128
    /// The configuration file read at start-up, if any (INFO's config_file).
    package var configFile = ""
    /// Keys the expiry sweep deletes per batch, and its time budget per tick.
    package var sweepBatch = 200
    package var sweepBudgetMilliseconds: Int64 = 3

    package init() {}
}
