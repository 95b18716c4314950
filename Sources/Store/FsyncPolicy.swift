/// When a commit reaches the disk, as Redis's `appendfsync`.
package enum FsyncPolicy: String, Sendable, CaseIterable {
    /// `synchronous=FULL`: every acknowledged write survives power loss.
    case always
    /// `synchronous=NORMAL` plus a WAL sync at least once a second.
    case everysec
    /// `synchronous=NORMAL`: the OS decides when the WAL reaches the disk.
    case no

    /// The `PRAGMA synchronous` value that gives this policy in WAL mode.
    var synchronousPragma: String { self == .always ? "FULL" : "NORMAL" }
}
