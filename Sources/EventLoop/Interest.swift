import CSystem

/// The readiness a registered descriptor waits for.
package struct Interest: OptionSet, Sendable, Hashable {
    package let rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    package static let read = Interest(rawValue: 1 << 0)
    package static let write = Interest(rawValue: 1 << 1)

    /// The epoll flags for this interest. Errors and hang-ups are always
    /// reported by epoll, asked for or not.
    var epollFlags: UInt32 {
        var flags: UInt32 = 0
        if contains(.read) { flags |= csystem_epollin() }
        if contains(.write) { flags |= csystem_epollout() }
        return flags
    }
}
