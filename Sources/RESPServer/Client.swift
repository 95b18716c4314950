import EventLoop
import RESP

/// One client connection's state. Lives on the loop thread.
package final class Client {
    package let id: Int64
    package let fd: Int32
    package let peer: SocketAddress
    package let local: SocketAddress
    /// Unix ms when the connection was accepted, and of its last command.
    package let createdAt: Int64
    package var lastInteraction: Int64

    /// Bytes read and not yet parsed; `readOffset` is where parsing resumes.
    var input: [UInt8] = []
    var readOffset = 0
    var parser: RequestParser
    var arguments = Arguments()

    /// Replies; the bytes before `sentOffset` have been written. Replies of
    /// the current turn are withheld until it commits.
    package var reply = ReplyEncoder()
    var sentOffset = 0
    /// Where this turn's replies begin and, per command, where each ends.
    var turnRecords: [TurnRecord] = []
    var isPending = false
    var wantsWrite = false

    package var db = 0
    package var name: String = ""
    package var libraryName: String = ""
    package var libraryVersion: String = ""
    package var lastCommand: String = "NULL"
    /// Set by QUIT or a protocol error: close once the replies are sent.
    var closeAfterReply = false
    /// False until AUTH succeeds, when the server requires a password.
    var authenticated = true
    /// Input is not parsed while too many replies wait to be written.
    var inputDeferred = false
    /// Receives every command the server runs (MONITOR).
    var isMonitor = false
    var isClosed = false

    /// MULTI state: queued commands, and whether one failed to queue.
    var transaction: [QueuedCommand]? = nil
    var transactionDirty = false
    /// WATCHed keys (and whether each was live then), and whether one was
    /// modified since.
    var watched: [WatchedKey: Bool] = [:]
    var watchDirty = false

    package var protocolVersion: ProtocolVersion {
        get { reply.protocolVersion }
        set { reply.protocolVersion = newValue }
    }

    init(id: Int64, fd: Int32, peer: SocketAddress, local: SocketAddress, now: Int64, limits: RequestLimits) {
        self.id = id
        self.fd = fd
        self.peer = peer
        self.local = local
        self.createdAt = now
        self.lastInteraction = now
        self.parser = RequestParser(limits: limits)
    }

    /// Replies waiting to be written.
    var hasUnsentOutput: Bool { sentOffset < reply.bytes.count }
}

/// A reply's span in a client's output, and whether it depends on the commit.
struct TurnRecord {
    var start: Int
    var end: Int
    var accessesData: Bool
}

/// A command queued by MULTI, with its own copy of the arguments.
struct QueuedCommand {
    var spec: CommandSpec
    var arguments: Arguments
}
