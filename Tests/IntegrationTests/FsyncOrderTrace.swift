import Foundation

/// Reads an `strace -f -tt -yy` log of tally-server and checks, for every
/// socket write that carries replies to write commands, that the commit
/// acknowledging them was durable before the write began:
///
/// 1. **nothing unsynced**: no write to the WAL since the last *completed*
///    fsync/fdatasync of the WAL (in any thread);
/// 2. **this request's commit**: after the last read on that connection (the
///    one that delivered the request), the WAL was written and then synced,
///    the sync completing in the sending thread before the send started.
///
/// Rule 2 catches a server that replies before committing and syncs
/// afterwards (every sync would then precede the *next* reply); rule 1 one
/// that syncs too early, before the turn's last WAL frames.
///
/// File descriptors are named by strace itself (`-yy`: `4</tmp/x/t.db-wal>`,
/// `11<TCP:[127.0.0.1:6379->127.0.0.1:5000]>`), so a descriptor number
/// reused after `close` cannot be mistaken for another file, which mapping
/// through `openat` lines would have to track by hand.
struct FsyncOrderTrace {
    /// A socket write found to carry replies before their commit was durable.
    struct Violation: CustomStringConvertible {
        var line: Int
        var text: String
        var reason: String
        var description: String { "line \(line): \(reason): \(text)" }
    }

    /// Socket writes whose payload holds at least one write-command reply.
    private(set) var replyWrites = 0
    /// Write-command replies counted in those payloads.
    private(set) var replies = 0
    /// Completed fsync/fdatasync calls on the WAL.
    private(set) var walSyncs = 0
    /// Writes to the WAL (pwrite64 and friends).
    private(set) var walWrites = 0
    /// Reads from client sockets that returned data.
    private(set) var socketReads = 0
    /// Lines that looked like syscalls but could not be parsed, so a format surprise cannot pass silently.
    private(set) var unparsed: [String] = []
    private(set) var violations: [Violation] = []

    /// Whether a socket payload (as strace escapes it) holds replies to write
    /// commands, and how many: by default RESP integers (`:N\r\n`), which is
    /// what INCR answers.
    private let countReplies: (String) -> Int

    // Event indexes (line numbers) of the WAL's history.
    private var lastWALWrite = -1
    private var lastWALSync = -1
    /// For each thread, the completed WAL syncs as (line, line of the latest WAL write before it).
    private var syncsByThread: [Int: [(line: Int, afterWrite: Int)]] = [:]
    /// For each connection (named by strace), the line of its last read that returned data.
    private var lastRead: [String: Int] = [:]
    /// Syscalls a thread started and strace printed as `<unfinished ...>`.
    private var unfinished: [Int: (name: String, fd: String)] = [:]

    init(countReplies: @escaping (String) -> Int = FsyncOrderTrace.integerReplies) {
        self.countReplies = countReplies
    }

    /// Parses and checks a whole log.
    static func check(_ log: String, countReplies: @escaping (String) -> Int = FsyncOrderTrace.integerReplies) -> FsyncOrderTrace {
        var trace = FsyncOrderTrace(countReplies: countReplies)
        for (index, line) in log.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            trace.consume(String(line), number: index + 1)
        }
        return trace
    }

    /// The number of RESP integer replies in an escaped payload such as `:1\r\n:2\r\n`.
    static func integerReplies(in payload: String) -> Int {
        var count = payload.hasPrefix(":") ? 1 : 0
        var rest = Substring(payload)
        while let range = rest.range(of: "\\r\\n:") {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }

    private static let writeCalls: Set<String> = ["write", "writev", "pwrite64", "pwritev", "pwritev2", "send", "sendto", "sendmsg"]
    private static let readCalls: Set<String> = ["read", "readv", "recv", "recvfrom", "recvmsg"]
    private static let syncCalls: Set<String> = ["fsync", "fdatasync"]

    private static func isWAL(_ fd: String) -> Bool { fd.hasSuffix("-wal>") }
    private static func isSocket(_ fd: String) -> Bool {
        fd.contains("<TCP") || fd.contains("<UDP") || fd.contains("<UNIX") || fd.contains("<socket:")
    }

    mutating func consume(_ line: String, number: Int) {
        // "<tid> <hh:mm:ss.micros> <call>"
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard fields.count == 3, let thread = Int(fields[0]) else {
            if !line.isEmpty { unparsed.append(line) }
            return
        }
        let call = String(fields[2])
        if call.hasPrefix("+++") || call.hasPrefix("---") { return }

        if call.hasPrefix("<... ") {
            // "<... fdatasync resumed>) = 0": the end of a call started earlier in this thread.
            guard let started = unfinished.removeValue(forKey: thread) else {
                unparsed.append(line)
                return
            }
            finish(started.name, fd: started.fd, result: Self.result(of: call), thread: thread, line: number)
            return
        }
        guard let open = call.firstIndex(of: "(") else {
            unparsed.append(line)
            return
        }
        let name = String(call[..<open])
        let arguments = call[call.index(after: open)...]
        let fd = Self.annotatedDescriptor(arguments)
        let isUnfinished = call.hasSuffix("<unfinished ...>")

        // Writes and sends count from their start: the bytes may leave at once.
        if Self.writeCalls.contains(name) {
            if Self.isWAL(fd) {
                walWrites += 1
                lastWALWrite = number
            } else if Self.isSocket(fd) {
                checkReplyWrite(payload: Self.firstString(arguments), socket: fd, thread: thread, line: number, text: line)
            }
        }
        if isUnfinished {
            unfinished[thread] = (name, fd)
        } else {
            finish(name, fd: fd, result: Self.result(of: call), thread: thread, line: number)
        }
    }

    /// Syncs and reads count when they return.
    private mutating func finish(_ name: String, fd: String, result: Int?, thread: Int, line: Int) {
        if Self.syncCalls.contains(name), Self.isWAL(fd), result == 0 {
            walSyncs += 1
            lastWALSync = line
            syncsByThread[thread, default: []].append((line, lastWALWrite))
        } else if Self.readCalls.contains(name), Self.isSocket(fd), let bytes = result, bytes > 0 {
            socketReads += 1
            lastRead[fd] = line
        }
    }

    private mutating func checkReplyWrite(payload: String?, socket: String, thread: Int, line: Int, text: String) {
        guard let payload else { return }
        let count = countReplies(payload)
        guard count > 0 else { return }
        replyWrites += 1
        replies += count
        if lastWALWrite > lastWALSync {
            violations.append(Violation(line: line, text: text, reason: "WAL written at line \(lastWALWrite) and not synced since"))
        }
        let request = lastRead[socket] ?? -1
        // A sync in this thread, after the request was read, that followed a WAL write made after that read.
        let committed = syncsByThread[thread, default: []].contains { $0.line > request && $0.afterWrite > request }
        if !committed {
            violations.append(Violation(line: line, text: text, reason: request < 0
                ? "no read of this connection's request was traced"
                : "no WAL write and fsync in this thread between the request (line \(request)) and the reply"))
        }
    }

    /// The longest time, in seconds by strace's clock, from a write to the WAL
    /// until a sync of the WAL completed after it; a write never synced counts
    /// until the log's last line. 0 when the WAL was never written.
    static func longestUnsyncedWAL(_ log: String) -> Double {
        var oldestUnsynced: Double?
        var longest = 0.0
        var last = 0.0
        var pendingSync: Set<Int> = []
        for line in log.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, let thread = Int(fields[0]), let time = seconds(fields[1]) else { continue }
            last = time
            let call = fields[2]
            let isSync = call.hasPrefix("fsync(") || call.hasPrefix("fdatasync(")
            let onWAL = call.contains("-wal>")
            var completedSync = false
            if isSync && onWAL {
                if call.hasSuffix("<unfinished ...>") { pendingSync.insert(thread) } else { completedSync = call.hasSuffix(" = 0") }
            } else if call.hasPrefix("<... fsync resumed>") || call.hasPrefix("<... fdatasync resumed>") {
                completedSync = pendingSync.remove(thread) != nil && call.hasSuffix(" = 0")
            } else if onWAL && (call.hasPrefix("pwrite") || call.hasPrefix("write")) {
                if oldestUnsynced == nil { oldestUnsynced = time }
            }
            if completedSync, let oldest = oldestUnsynced {
                longest = max(longest, time - oldest)
                oldestUnsynced = nil
            }
        }
        if let oldest = oldestUnsynced { longest = max(longest, last - oldest) }
        return longest
    }

    /// `10:00:01.250000` as seconds since midnight.
    private static func seconds(_ clock: Substring) -> Double? {
        let parts = clock.split(separator: ":")
        guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]), let s = Double(parts[2]) else { return nil }
        return h * 3600 + m * 60 + s
    }

    /// `4</tmp/x/t.db-wal>` from `4</tmp/x/t.db-wal>, "…", 24, 0) = 24`:
    /// the first argument with its `-yy` annotation ("" when there is none).
    /// TCP annotations hold `->`, so the annotation ends at a `>` followed by `,` or `)`.
    private static func annotatedDescriptor(_ arguments: Substring) -> String {
        guard let first = arguments.first, first.isNumber, let open = arguments.firstIndex(of: "<") else { return "" }
        var index = open
        while index < arguments.endIndex {
            if arguments[index] == ">" {
                let next = arguments.index(after: index)
                if next == arguments.endIndex || arguments[next] == "," || arguments[next] == ")" || arguments[next] == " " {
                    return String(arguments[..<next])
                }
            }
            index = arguments.index(after: index)
        }
        return ""
    }

    /// The first quoted string argument, as strace escaped it (nil when there is none).
    private static func firstString(_ arguments: Substring) -> String? {
        guard let quote = arguments.firstIndex(of: "\"") else { return nil }
        var text = ""
        var escaped = false
        for character in arguments[arguments.index(after: quote)...] {
            if escaped {
                text.append(character)
                escaped = false
            } else if character == "\\" {
                text.append(character)
                escaped = true
            } else if character == "\"" {
                return text
            } else {
                text.append(character)
            }
        }
        return nil
    }

    /// The return value after the last ` = `, or nil (`= ?`, or none).
    private static func result(of call: String) -> Int? {
        guard let range = call.range(of: " = ", options: .backwards) else { return nil }
        let digits = call[range.upperBound...].prefix { $0 == "-" || $0.isNumber }
        return Int(digits)
    }
}
