import Foundation
import RESP
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// With `--fsync always`, no reply leaves before the commit that makes it
/// durable: proven on the server's own syscalls, traced with `strace -f`.
@Suite("Fsync order", .serialized)
struct FsyncOrderTests {
    static let clients = 4
    static let incrementsPerClient = 50

    @Test("--fsync always: every INCR reply is sent after its request's WAL frames were written and fdatasync'ed")
    func alwaysSyncsBeforeReplying() throws {
        let run = try Self.tracedIncrements(fsync: "always")
        let trace = run.trace
        print("fsync order (always): \(trace.replyWrites) reply writes carrying \(trace.replies) replies, \(trace.walWrites) WAL writes, \(trace.walSyncs) WAL syncs, \(trace.socketReads) socket reads")
        // The trace saw the whole run, so the check below cannot pass on an empty or truncated log.
        #expect(trace.replies == Self.clients * Self.incrementsPerClient, "replies in the trace: \(trace.replies)")
        #expect(trace.replyWrites >= 1)
        #expect(trace.walWrites >= 1)
        #expect(trace.walSyncs >= 1)
        #expect(trace.socketReads >= 1)
        #expect(trace.unparsed.isEmpty, "unparsed strace lines: \(trace.unparsed.prefix(5))")
        #expect(trace.violations.isEmpty, "replies sent before their commit was durable (trace kept at \(run.log)): \(trace.violations.prefix(5))")
    }

    /// The control: the same workload and checker with the policies that do
    /// not sync on commit must be flagged, or the checker proves nothing.
    @Test("the checker flags --fsync no and everysec (it detects a reply without a preceding WAL sync)", arguments: ["no", "everysec"])
    func checkerDetectsMissingSync(fsync: String) throws {
        let trace = try Self.tracedIncrements(fsync: fsync).trace
        print("fsync order (\(fsync)): \(trace.replyWrites) reply writes, \(trace.walWrites) WAL writes, \(trace.walSyncs) WAL syncs, \(trace.violations.count) flagged")
        #expect(trace.replies == Self.clients * Self.incrementsPerClient)
        #expect(trace.walWrites >= 1)
        #expect(!trace.violations.isEmpty, "with --fsync \(fsync) the checker found every reply synced: it cannot detect a missing fsync")
        // Most turns write the WAL and reply without a sync in between.
        #expect(trace.violations.count >= trace.replyWrites / 2, "only \(trace.violations.count) of \(trace.replyWrites) reply writes flagged")
    }

    /// `everysec` must sync the WAL about once a second, even when the server
    /// goes idle right after a write; `no` leaves the sync to the OS (here: to
    /// the checkpoint at shutdown), which is the control that shows the measure
    /// can fail. At most 500 INCRs in 0.5 s, then 2.5 s idle, then SIGTERM.
    @Test("--fsync everysec syncs the WAL within about a second of each write; --fsync no does not", arguments: ["everysec", "no"])
    func everysecSyncsWithinASecond(fsync: String) throws {
        let idleSeconds = 2.5
        let (log, _) = try Self.traced(fsync: fsync) { port in
            let connection = try RESPConnection(port: port)
            let writeUntil = Durability.now() + 0.5
            // Bounded by the clock and by a count. Each INCR commits one WAL
            // frame; staying under SQLite's 1000-frame automatic checkpoint
            // keeps that checkpoint (which syncs the WAL in every mode) out of
            // the `no` control, on however fast a machine.
            for _ in 0..<500 where Durability.now() < writeUntil {
                let reply = try connection.call("INCR", "everysec")
                guard case .integer = reply else { throw HarnessError("INCR answered \(reply)") }
            }
            // The idle period is the scenario (a server with nothing to do), not a wait for an event.
            usleep(UInt32(idleSeconds * 1_000_000))
        }
        let longest = FsyncOrderTrace.longestUnsyncedWAL(log)
        print(String(format: "fsync %@: the WAL stayed unsynced for at most %.3f s", fsync, longest))
        if fsync == "everysec" {
            // One second by policy; the rest is slack for strace and a busy machine.
            #expect(longest > 0)
            #expect(longest < 2.0, "with --fsync everysec a WAL write waited \(longest) s for its sync")
        } else {
            #expect(longest >= idleSeconds - 0.2, "with --fsync no the WAL was synced within \(longest) s: the measure cannot tell the policies apart")
        }
    }

    // MARK: - The checker on hand-written traces

    private static let wal = "4</tmp/d/t.db-wal>"
    private static let db = "3</tmp/d/t.db>"
    private static let client = "11<TCP:[127.0.0.1:6379->127.0.0.1:50000]>"

    private static func lines(_ calls: [String], thread: Int = 100) -> String {
        calls.enumerated().map { "\(thread) 10:00:00.\(String(format: "%06d", $0.offset)) \($0.element)" }.joined(separator: "\n")
    }

    private static let read = "read(\(client), \"*2\\r\\n$4\\r\\nINCR\\r\\n$1\\r\\na\\r\\n\", 16384) = 23"
    private static let walWrite = "pwrite64(\(wal), \"\\0\\0\\0\\2\", 24, 4152) = 24"
    private static let walSync = "fdatasync(\(wal)) = 0"
    private static let reply = "sendto(\(client), \":1\\r\\n:2\\r\\n\", 8, MSG_NOSIGNAL, NULL, 0) = 8"

    @Test("checker: read, WAL write, WAL fdatasync, reply passes and counts both replies")
    func checkerAcceptsOrderedTrace() {
        let trace = FsyncOrderTrace.check(Self.lines([Self.read, Self.walWrite, Self.walSync, Self.reply]))
        #expect(trace.violations.isEmpty, "\(trace.violations)")
        #expect(trace.replies == 2)
        #expect(trace.walSyncs == 1)
        #expect(trace.unparsed.isEmpty)
    }

    @Test("checker: each wrong order is flagged", arguments: [
        "no sync", "reply before commit", "sync before the last WAL write", "sync of the main file only", "sync failed",
    ])
    func checkerRejects(order: String) {
        let calls: [String] = switch order {
        case "no sync": [Self.read, Self.walWrite, Self.reply]
        // Syncs follow every reply, so each reply is preceded by the *previous* turn's sync.
        case "reply before commit": [Self.walWrite, Self.walSync, Self.read, Self.reply, Self.walWrite, Self.walSync]
        case "sync before the last WAL write": [Self.read, Self.walWrite, Self.walSync, Self.walWrite, Self.reply]
        case "sync of the main file only": [Self.read, Self.walWrite, "fdatasync(\(Self.db)) = 0", Self.reply]
        default: [Self.read, Self.walWrite, "fdatasync(\(Self.wal)) = -1 EIO (Input/output error)", Self.reply]
        }
        let trace = FsyncOrderTrace.check(Self.lines(calls))
        #expect(trace.replies == 2)
        #expect(!trace.violations.isEmpty, "\(order) was not flagged")
    }

    @Test("checker: a sync still running in another thread when the reply leaves is flagged; one finished in it passes")
    func checkerFollowsUnfinishedCalls() {
        let concurrent = [
            "100 10:00:00.000001 \(Self.read)",
            "100 10:00:00.000002 \(Self.walWrite)",
            "101 10:00:00.000003 fdatasync(\(Self.wal) <unfinished ...>",
            "100 10:00:00.000004 \(Self.reply)",
            "101 10:00:00.000005 <... fdatasync resumed>) = 0",
        ].joined(separator: "\n")
        let early = FsyncOrderTrace.check(concurrent)
        #expect(!early.violations.isEmpty)
        #expect(early.walSyncs == 1)
        #expect(early.unparsed.isEmpty, "\(early.unparsed)")

        let finished = [
            "100 10:00:00.000001 \(Self.read)",
            "100 10:00:00.000002 \(Self.walWrite)",
            "100 10:00:00.000003 fdatasync(\(Self.wal) <unfinished ...>",
            "101 10:00:00.000004 write(1<pipe:[77]>, \"level=info\\n\", 11) = 11",
            "100 10:00:00.000005 <... fdatasync resumed>) = 0",
            "100 10:00:00.000006 \(Self.reply)",
        ].joined(separator: "\n")
        let ordered = FsyncOrderTrace.check(finished)
        #expect(ordered.violations.isEmpty, "\(ordered.violations)")
        #expect(ordered.replies == 2)
    }

    // MARK: - The traced run

    struct TracedRun {
        var trace: FsyncOrderTrace
        /// Where the raw strace log was kept (a failing run leaves it for inspection).
        var log: String
    }

    /// Runs tally-server under `strace -f`, sends `clients × incrementsPerClient`
    /// INCRs (half the clients one at a time, half in pipelined batches of 5),
    /// stops the server and checks the log.
    static func tracedIncrements(fsync: String) throws -> TracedRun {
        let (text, directoryLog) = try traced(fsync: fsync) { port in
            let errors = onThreads(clients) { index in
                let connection = try RESPConnection(port: port)
                if index % 2 == 0 {
                    for _ in 0..<incrementsPerClient {
                        let reply = try connection.call("INCR", "order:single")
                        guard case .integer = reply else { throw HarnessError("INCR answered \(reply)") }
                    }
                } else {
                    for _ in 0..<(incrementsPerClient / 5) {
                        let replies = try connection.pipeline(Array(repeating: ["INCR", "order:pipelined"], count: 5))
                        guard replies.allSatisfy({ if case .integer = $0 { true } else { false } }) else {
                            throw HarnessError("pipelined INCR answered \(replies)")
                        }
                    }
                }
            }
            #expect(errors.isEmpty, "\(errors)")
            let check = try RESPConnection(port: port)
            let half = Int64(clients / 2 * incrementsPerClient)
            #expect(try check.call("GET", "order:single") == .bulkString("\(half)"))
            #expect(try check.call("GET", "order:pipelined") == .bulkString("\(half)"))
        }
        let trace = FsyncOrderTrace.check(text)
        // Keep the log of a failing run where it can be read after the temporary directory is gone.
        var kept = directoryLog
        if !trace.violations.isEmpty && fsync == "always" {
            kept = NSTemporaryDirectory() + "/tally-fsync-order-\(getpid()).log"
            try? text.write(toFile: kept, atomically: true, encoding: .utf8)
        }
        return TracedRun(trace: trace, log: kept)
    }

    /// Runs tally-server under `strace -f -tt -yy`, runs `workload` against its
    /// port, stops the server with SIGTERM and returns the strace log.
    static func traced(fsync: String, _ workload: (Int) throws -> Void) throws -> (log: String, path: String) {
        let strace = try PackagePaths.tool("strace", package: "strace")
        let binary = PackagePaths.tallyServer
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("tally-server binary not found at \(binary): run `swift build` first, or set TALLY_SERVER_BIN")
        }
        return try withTemporaryDirectory { directory in
            let log = directory + "/strace.log"
            let calls = "trace=openat,close,read,readv,recvfrom,recvmsg,write,writev,pwrite64,pwritev,pwritev2,sendto,sendmsg,fsync,fdatasync"
            let child = try ChildProcess(strace, [
                "-f", "-tt", "-yy", "-s", "4096", "-e", calls, "-o", log,
                binary, "--port", "0", "--db", directory + "/t.db", "--fsync", fsync,
            ], environment: TallyProcess.environment())
            // strace (6.1) detaches from its tracee when killed, and the server would live
            // on: kill the tracee first, found as strace's child while strace still runs
            // (so the pid cannot have been reused).
            defer {
                if child.isRunning {
                    for pid in Self.children(of: child.pid) { Glibc.kill(pid, SIGKILL) }
                }
                child.kill()
            }
            let found = child.stdout.wait(until: Date().addingTimeInterval(60)) { bytes in
                TallyProcess.listeningPort(in: String(decoding: bytes, as: UTF8.self))
            }
            guard let port = found else {
                throw HarnessError("tally-server under strace did not report 'listening on'; stdout: \(child.stdout.text) stderr: \(child.stderr.text)")
            }
            let control = try RESPConnection(port: port)
            let serverPID = try Durability.infoInteger(control, section: "server", field: "process_id")
            control.close()

            try workload(port)

            // SIGTERM to the server itself (strace's child, by the pid it reported); strace exits with it.
            guard child.isRunning, Glibc.kill(pid_t(serverPID), SIGTERM) == 0 else {
                throw HarnessError("could not signal tally-server pid \(serverPID) (strace: \(child.isRunning ? "running" : "ended"))")
            }
            guard let ended = child.waitForExit(timeout: 30) else {
                throw HarnessError("strace and tally-server did not exit within 30 s of SIGTERM")
            }
            #expect(ended == .exited(0), "strace/tally-server ended with \(ended); stderr: \(child.stderr.text)")

            return (try String(contentsOfFile: log, encoding: .utf8), log)
        }
    }

    /// The pids of a process's children, from /proc/PID/task/*/children.
    static func children(of pid: pid_t) -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [pid_t] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }
}
