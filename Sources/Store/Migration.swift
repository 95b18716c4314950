/// One numbered schema change from `migrations/NNNN_name.sql`, embedded at
/// build time (see `Plugins/MigrationsPlugin`). Shipped files are never edited.
package struct Migration: Sendable {
    package let version: Int
    package let name: String
    package let sql: String

    /// The schema version this binary brings a database up to.
    package static var latestVersion: Int { all.last?.version ?? 0 }
}
