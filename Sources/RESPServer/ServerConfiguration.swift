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
    /// Keys the expiry sweep deletes per batch, and its time budget per tick.
    package var sweepBatch = 200
    package var sweepBudgetMilliseconds: Int64 = 3

    package init() {}
}
