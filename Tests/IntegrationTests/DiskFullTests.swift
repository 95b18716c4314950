import Foundation
import RESP
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The database on a 2 MiB tmpfs: when the disk fills, writes answer an error
/// that names the cause, reads go on, nothing acknowledged is lost, and once
/// space is freed writes succeed again without a restart.
@Suite("Disk full", .serialized)
struct DiskFullTests {
    static let valueBytes = 2000
    static let fillerBytes = 384 * 1024

    /// The value written under key number `n`: distinct per key, so a mix-up shows.
    static func value(_ n: Int) -> String {
        let head = "value-\(n)-"
        return head + String(repeating: Character(UnicodeScalar(UInt8(97 + n % 26))), count: valueBytes - head.utf8.count)
    }

    @Test("disk full: writes fail naming the cause, reads work, nothing acknowledged is lost, freeing space restores writes")
    func diskFull() throws {
        try Durability.requireRoot(for: "the disk-full test")
        try withTemporaryDirectory { directory in
            let mountPoint = directory + "/small"
            guard mkdir(mountPoint, 0o755) == 0 else { throw HarnessError("mkdir \(mountPoint): errno \(errno)") }
            let mount = try DiskFullMount(at: mountPoint, size: "2m")
            defer { mount.unmount() }

            // Space to give back later: a filler file written before the database.
            let filler = mountPoint + "/filler"
            try Data(repeating: 0x5a, count: Self.fillerBytes).write(to: URL(fileURLWithPath: filler))
            let database = mountPoint + "/t.db"
            var tally = try TallyProcess(databasePath: database)
            defer { tally.stop() }
            var connection = try tally.connect()

            // Write until a write fails (bounded: 2 MiB holds far fewer than 5,000 values of 2 kB).
            var acknowledged = 0
            var failure: String?
            for n in 0..<5000 {
                let reply = try connection.call("SET", "full:\(n)", Self.value(n))
                if case .error(let message) = reply {
                    failure = message
                    break
                }
                try #require(reply == .simpleString("OK"), "SET full:\(n) answered \(reply)")
                acknowledged += 1
            }
            let error = try #require(failure, "\(acknowledged) SETs of \(Self.valueBytes) bytes all succeeded on a 2 MiB tmpfs")
            print("disk full: \(acknowledged) SETs acknowledged, then: \(error)")
            #expect(acknowledged > 0)
            #expect(error.lowercased().contains("full"), "the error does not name the cause: \(error)")
            #expect(error.hasPrefix("ERR "), "not a Redis error reply: \(error)")

            // Still full: a pipelined burst of INCRs and large SETs in one turn. Each
            // reply is either a success or an error naming the cause; later, the
            // count must equal the INCRs acknowledged, and a SET answered with an
            // error must have left nothing behind.
            let burstCommands = (0..<20).flatMap { i in
                [["INCR", "full:counter"], ["SET", "full:burst:\(i)", Self.value(i)]]
            }
            let burst = try connection.pipeline(burstCommands)
            var counted: Int64 = 0
            var burstStored: [Int] = [], burstRefused: [Int] = []
            for (index, reply) in burst.enumerated() {
                switch reply {
                case .integer(let value):
                    counted += 1
                    #expect(value == counted, "INCR full:counter answered \(value) after \(counted - 1) acknowledged")
                case .simpleString("OK"):
                    burstStored.append(index / 2)
                case .error(let message):
                    #expect(message.lowercased().contains("full"), "\(message)")
                    if index % 2 == 1 { burstRefused.append(index / 2) }
                default:
                    Issue.record("\(burstCommands[index]) answered \(reply)")
                }
            }
            print("disk full: burst while full: \(counted) of 20 INCRs and \(burstStored.count) of 20 SETs acknowledged")
            #expect(!burstRefused.isEmpty, "every SET of the burst succeeded on a full disk")
            #expect(try connection.call("PING") == .simpleString("PONG"))
            // Reads of what was acknowledged work while the disk is full.
            for n in [0, acknowledged / 2, acknowledged - 1] {
                #expect(try connection.call("GET", "full:\(n)") == .bulkString(Self.value(n)), "GET full:\(n) while the disk is full")
            }
            #expect(try connection.call("GET", "full:\(acknowledged)") == .null, "the failed SET is visible")
            #expect(try connection.call("EXISTS", "full:0", "full:\(acknowledged - 1)") == .integer(2))
            let failedCommits = try Durability.infoInteger(connection, section: "persistence", field: "tally_failed_commits")
            #expect(failedCommits >= 1, "INFO persistence counts no failed commit")

            // Free space: writes succeed again, without a restart.
            try FileManager.default.removeItem(atPath: filler)
            #expect(try connection.call("SET", "full:after", "space freed") == .simpleString("OK"))
            let counter = try connection.call("INCR", "full:counter")
            #expect(counter == .integer(counted + 1), "INCR after freeing space answered \(counter); \(counted) were acknowledged before")
            #expect(try connection.call("SET", "full:\(acknowledged)", Self.value(acknowledged)) == .simpleString("OK"))

            // Nothing acknowledged was lost, nothing refused was stored, before and after a restart.
            try Self.expectAll(acknowledged + 1, on: connection, when: "after freeing space")
            for i in burstStored {
                #expect(try connection.call("GET", "full:burst:\(i)") == .bulkString(Self.value(i)), "acknowledged SET full:burst:\(i) lost")
            }
            for i in burstRefused {
                #expect(try connection.call("EXISTS", "full:burst:\(i)") == .integer(0), "SET full:burst:\(i) answered an error but was stored")
            }
            connection.close()
            #expect(tally.stop() == .exited(0))
            tally = try TallyProcess(databasePath: database)
            connection = try tally.connect()
            try Self.expectAll(acknowledged + 1, on: connection, when: "after a restart")
            #expect(try connection.call("GET", "full:after") == .bulkString("space freed"))
            #expect(try connection.call("GET", "full:counter") == .bulkString("\(counted + 1)"))
            #expect(try Durability.integrityCheck(database) == "ok")
        }
    }

    @Test("disk full inside a turn bigger than the disk: each reply tells the truth, errors name the cause, remounting bigger restores writes")
    func turnLargerThanTheDisk() throws {
        try Durability.requireRoot(for: "the disk-full test")
        try withTemporaryDirectory { directory in
            let mountPoint = directory + "/small"
            guard mkdir(mountPoint, 0o755) == 0 else { throw HarnessError("mkdir \(mountPoint): errno \(errno)") }
            let mount = try DiskFullMount(at: mountPoint, size: "2m")
            defer { mount.unmount() }
            let database = mountPoint + "/t.db"
            var tally = try TallyProcess(databasePath: database)
            defer { tally.stop() }
            let port = tally.port

            // 4 clients at once, each a pipeline of 400 × (SET 2 kB, INCR): about 3.3 MB
            // of values, read in one or a few turns, so the write transaction outgrows
            // both SQLite's page cache (it spills to the WAL mid-turn) and the disk.
            let clients = 4, pairs = 400
            let replies = Locked<[Int: [RESPValue]]>([:])
            let errors = onThreads(clients) { client in
                let connection = try RESPConnection(port: port, timeout: 60)
                let commands = (0..<pairs).flatMap { i in
                    [["SET", "big:\(client):\(i)", Self.value(i)], ["INCR", "big:counter"]]
                }
                let answered = try connection.pipeline(commands)
                replies.withLock { $0[client] = answered }
            }
            try #require(errors.isEmpty, "\(errors)")
            let all = replies.withLock { $0 }

            var storedKeys: [(Int, Int)] = [], refusedKeys: [(Int, Int)] = []
            var counts: [Int64] = []
            var messages: Set<String> = []
            for client in 0..<clients {
                for (index, reply) in (all[client] ?? []).enumerated() {
                    let pair = (client, index / 2)
                    switch reply {
                    case .simpleString("OK"): storedKeys.append(pair)
                    case .integer(let value): counts.append(value)
                    case .error(let message):
                        messages.insert(message)
                        if index % 2 == 0 { refusedKeys.append(pair) }
                    default: Issue.record("big:\(client):\(index / 2) answered \(reply)")
                    }
                }
            }
            print("disk full in one turn: \(storedKeys.count) SETs and \(counts.count) INCRs acknowledged, \(refusedKeys.count) SETs refused; errors: \(messages)")
            #expect(!refusedKeys.isEmpty, "3.3 MB of SETs all succeeded on a 2 MiB tmpfs")
            for message in messages {
                #expect(message.lowercased().contains("full"), "an error of the full-disk turn does not name the cause: \(message)")
            }
            // The acknowledged INCRs are exactly 1...n, each once.
            #expect(counts.sorted() == (counts.isEmpty ? [] : Array(1...Int64(counts.count))), "INCR replies \(counts.sorted().prefix(20))…")

            let connection = try tally.connect()
            #expect(try connection.call("PING") == .simpleString("PONG"))
            try Self.expectTruth(on: connection, stored: storedKeys, refused: refusedKeys, counter: Int64(counts.count), when: "while full")

            // Free space by remounting bigger: writes succeed without a restart.
            try mount.resize(to: "16m")
            #expect(try connection.call("SET", "after", Self.value(7)) == .simpleString("OK"))
            #expect(try connection.call("INCR", "big:counter") == .integer(Int64(counts.count) + 1))
            connection.close()
            #expect(tally.stop() == .exited(0))
            tally = try TallyProcess(databasePath: database)
            let again = try tally.connect()
            try Self.expectTruth(on: again, stored: storedKeys, refused: refusedKeys, counter: Int64(counts.count) + 1, when: "after a restart")
            #expect(try again.call("GET", "after") == .bulkString(Self.value(7)))
            #expect(try Durability.integrityCheck(database) == "ok")
        }
    }

    /// Acknowledged SETs hold their values, refused ones left nothing, the counter counts the acknowledged INCRs.
    static func expectTruth(on connection: RESPConnection, stored: [(Int, Int)], refused: [(Int, Int)], counter: Int64, when: String) throws {
        var lost: [String] = [], phantom: [String] = []
        for (client, i) in stored where try connection.call("GET", "big:\(client):\(i)") != .bulkString(value(i)) {
            lost.append("big:\(client):\(i)")
        }
        for (client, i) in refused where try connection.call("EXISTS", "big:\(client):\(i)") != .integer(0) {
            phantom.append("big:\(client):\(i)")
        }
        #expect(lost.isEmpty, "\(when): \(lost.count) acknowledged SETs lost, first \(lost.prefix(5))")
        #expect(phantom.isEmpty, "\(when): \(phantom.count) SETs answered with an error were stored, first \(phantom.prefix(5))")
        let count = try connection.call("GET", "big:counter")
        #expect(count == (counter == 0 ? .null : .bulkString("\(counter)")), "\(when): big:counter is \(count), \(counter) INCRs acknowledged")
    }

    /// Every value `full:0..<count` is there, read in pipelined batches.
    static func expectAll(_ count: Int, on connection: RESPConnection, when: String) throws {
        var missing: [Int] = []
        for start in stride(from: 0, to: count, by: 100) {
            let keys = Array(start..<min(count, start + 100))
            let replies = try connection.pipeline(keys.map { ["GET", "full:\($0)"] })
            for (n, reply) in zip(keys, replies) where reply != .bulkString(value(n)) { missing.append(n) }
        }
        #expect(missing.isEmpty, "\(when): \(missing.count) of \(count) acknowledged values missing or wrong, first \(missing.prefix(10))")
    }
}

/// A size-limited tmpfs mounted for one test, unmounted (lazily if busy) on `unmount`.
final class DiskFullMount {
    let path: String
    private var mounted = true

    init(at path: String, size: String) throws {
        self.path = path
        guard Glibc.mount("tmpfs", path, "tmpfs", 0, "size=\(size)") == 0 else {
            let error = errno
            throw HarnessError("mount -t tmpfs -o size=\(size) tmpfs \(path) failed: \(String(cString: strerror(error)))"
                + (error == EPERM ? " (mounting needs root with CAP_SYS_ADMIN)" : ""))
        }
    }

    /// `mount -o remount,size=…`: more (or less) room without unmounting.
    func resize(to size: String) throws {
        guard Glibc.mount("tmpfs", path, "tmpfs", UInt(MS_REMOUNT), "size=\(size)") == 0 else {
            throw HarnessError("mount -o remount,size=\(size) \(path) failed: \(String(cString: strerror(errno)))")
        }
    }

    func unmount() {
        guard mounted else { return }
        mounted = false
        if Glibc.umount2(path, 0) != 0 {
            _ = Glibc.umount2(path, Int32(MNT_DETACH))
        }
    }

    deinit { unmount() }
}
