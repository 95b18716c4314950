/// Counters INFO reports. Updated on the loop thread only.
package struct ServerStats {
    package var totalConnections: Int64 = 0
    package var totalCommands: Int64 = 0
    package var rejectedConnections: Int64 = 0
    package var keyspaceHits: Int64 = 0
    package var keyspaceMisses: Int64 = 0
    package var expiredKeys: Int64 = 0
    /// Write transactions committed, the commands they carried, and the
    /// duration of the last one (the fsync with `--fsync always`).
    package var commits: Int64 = 0
    package var committedCommands: Int64 = 0
    package var lastCommitMicroseconds: Int64 = 0
    package var failedCommits: Int64 = 0
    package var lastCommitError: String = ""
    /// Unix seconds of the last successful commit (LASTSAVE).
    package var lastCommitTime: Int64 = 0
}
