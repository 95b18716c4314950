// Command execution needs the server's internals (Client, endTurn, flush),
// which only a module built with -enable-testing exposes: debug builds, and
// Fuzz/build.sh's release build (-enable-testing -DTALLY_FUZZING). A plain
// release build of the package compiles the stub below instead.
#if DEBUG || TALLY_FUZZING
import EventLoop
import RESP
import Store
@testable import RESPServer
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Fuzzes command execution: the input is what up to three clients send,
/// split into group-commit turns, run through the server's real turn
/// (`endTurn`: parse, dispatch, MULTI, execute, commit, flush) against a
/// database file in a per-process temporary directory.
///
/// The input is parsed with `RequestParser` (RESP multibulk or inline lines,
/// so a corpus entry reads like `set a 1\nincr a\n`); each command's raw
/// bytes go to the current client. Two pseudo-commands steer: `@0`, `@1`,
/// `@2` switch the client, `@` ends the turn. A protocol error or an
/// incomplete command sends the rest of the input to the current client.
///
/// Invariants checked after every turn:
/// - each client's output is a sequence of complete, well-formed RESP values;
/// - a client that stays open (and no MONITOR is involved) gets exactly one
///   reply per command it sent; any client gets at most one more (a
///   protocol error) than it sent;
/// - every error reply starts with an upper-case code (`ERR`, `WRONGTYPE`…);
/// - a RESP2 client that sent no HELLO gets no RESP3-only type;
/// - no write transaction is left open after the turn;
/// and after the last turn, on the stored rows: no hash, list, set or sorted
/// set without elements, no element without its key, no collection whose
/// `length` is not its number of elements, no key, field or member
/// stored twice (as TEXT and as BLOB), no NaN score, no canonical integer
/// string stored as anything but INTEGER, no string longer than
/// proto-max-bulk-len (set to 1 MiB here).
public func fuzzCommands(_ data: UnsafeRawBufferPointer) {
    CommandFuzzer.shared.run(data)
}

/// The server and clients shared by every input of one fuzzer process;
/// `reset()` returns them to a fresh state before each input.
package final class CommandFuzzer {
    // libFuzzer calls the target from one thread only, the loop thread of this server.
    nonisolated(unsafe) static let shared = CommandFuzzer(directory: makeDirectory())

    static let clientCount = 3
    /// `TALLY_FUZZ_TRACE=1` prints every turn's replies, for reading a reproducer.
    static let trace = getenv("TALLY_FUZZ_TRACE") != nil

    let server: Server
    let baseline: ServerConfiguration
    private var clients: [Client?] = Array(repeating: nil, count: clientCount)
    /// Our end of each client's socket pair.
    private var peers: [Int32] = Array(repeating: -1, count: clientCount)

    /// A server on `directory/tally.db`; use it from the thread that made it (the server's loop thread).
    package init(directory: String) {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.databasePath = directory + "/tally.db"
        configuration.fsync = .no
        configuration.logLevel = .error
        // proto-max-bulk-len, which also bounds SETRANGE and APPEND: at Redis's
        // 512 MiB a 20-byte `setrange k 60000000 x` writes 60 MB to SQLite,
        // and the corpus soon holds such inputs, slowing every run.
        configuration.limits.maxBulkLength = 1 << 20
        baseline = configuration
        do {
            server = try Server(configuration: configuration)
        } catch {
            fatalError("cannot start the server for fuzzing: \(error)")
        }
    }

    /// `$TALLY_FUZZ_DIR` (Fuzz/run.sh makes and removes one per run), else a
    /// new directory in /dev/shm (or /tmp) removed when the process exits.
    private static func makeDirectory() -> String {
        if let directory = getenv("TALLY_FUZZ_DIR") {
            let path = String(cString: directory)
            mkdir(path, 0o700)
            return path
        }
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(base)/tally-fuzz-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            fatalError("mkdtemp in \(base): errno \(errno)")
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        createdDirectory = path
        atexit {
            guard let path = createdDirectory else { return }
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + "/tally.db" + suffix) }
            rmdir(path)
        }
        return path
    }

    /// Closes the clients and the database (the fuzzer's shared instance never does).
    package func close() {
        reset()
        server.keyspace.database.close()
    }

    /// Runs one input's turns and checks the invariants after each.
    package func run(_ data: UnsafeRawBufferPointer) {
        reset()
        var parser = RequestParser()
        var arguments = Arguments()
        var turn = Turn()
        var current = 0
        var offset = 0
        while offset < data.count {
            let rest = UnsafeRawBufferPointer(rebasing: data[offset...])
            let consumed: Int?
            do {
                consumed = try parser.parse(rest, into: &arguments)
            } catch {
                turn.send(rest, to: current, commands: 0, malformed: true)
                break
            }
            guard let consumed else {
                turn.send(rest, to: current, commands: 0, malformed: false)
                break
            }
            offset += consumed
            let command = UnsafeRawBufferPointer(rebasing: rest[..<consumed])
            if let steer = Steering(arguments) {
                switch steer {
                case .client(let index): current = index
                case .endTurn:
                    runTurn(turn)
                    turn = Turn()
                }
                continue
            }
            if !arguments.isEmpty && arguments.equalsIgnoringASCIICase(0, "monitor") { turn.involvesMonitor = true }
            if !arguments.isEmpty && arguments.equalsIgnoringASCIICase(0, "hello") { turn.sentHello[current] = true }
            turn.send(command, to: current, commands: arguments.isEmpty ? 0 : 1, malformed: false)
        }
        runTurn(turn)
        verifyStorage()
    }

    /// What one turn sends: each client's bytes and how many replies they call for.
    struct Turn {
        var input: [[UInt8]] = Array(repeating: [], count: CommandFuzzer.clientCount)
        var commands: [Int] = Array(repeating: 0, count: CommandFuzzer.clientCount)
        var malformed: [Bool] = Array(repeating: false, count: CommandFuzzer.clientCount)
        /// Clients in the order their first bytes arrived, as the loop queues them.
        var order: [Int] = []
        var involvesMonitor = false
        var sentHello: [Bool] = Array(repeating: false, count: CommandFuzzer.clientCount)

        mutating func send(_ bytes: UnsafeRawBufferPointer, to client: Int, commands count: Int, malformed isMalformed: Bool) {
            if !order.contains(client) { order.append(client) }
            input[client].append(contentsOf: bytes)
            commands[client] += count
            if isMalformed { malformed[client] = true }
        }
    }

    /// The pseudo-commands that steer the input between clients and turns.
    enum Steering {
        case client(Int)
        case endTurn

        init?(_ arguments: Arguments) {
            guard arguments.count == 1 else { return nil }
            let name = Array(arguments[0])
            if name == [UInt8(ascii: "@")] {
                self = .endTurn
            } else if name.count == 2, name[0] == UInt8(ascii: "@"), name[1] >= UInt8(ascii: "0"),
                      Int(name[1] - UInt8(ascii: "0")) < CommandFuzzer.clientCount {
                self = .client(Int(name[1] - UInt8(ascii: "0")))
            } else {
                return nil
            }
        }
    }

    private func runTurn(_ turn: Turn) {
        let monitoring = turn.involvesMonitor || clients.contains { $0?.isMonitor == true }
        // Clients that stay on RESP2 throughout the turn (a new client starts on RESP2).
        let resp2 = (0..<Self.clientCount).map { index in
            !turn.sentHello[index] && (clients[index].map { $0.isClosed || $0.protocolVersion == .resp2 } ?? true)
        }
        for index in turn.order {
            let client = openClient(index)
            client.input.append(contentsOf: turn.input[index])
            if !client.isPending {
                client.isPending = true
                server.pending.append(client)
            }
        }
        server.endTurn()
        fuzzCheck(!server.keyspace.inTransaction, "a write transaction is still open after the turn")
        for index in 0..<Self.clientCount where clients[index] != nil {
            let output = drain(index)
            if Self.trace {
                print("client \(index) sent \(turn.commands[index]) commands, got:", String(decoding: output, as: UTF8.self).debugDescription)
            }
            let values = Self.parseReplies(output, client: index)
            for value in values {
                Self.checkErrorCodes(value, client: index)
                if resp2[index] { Self.checkRESP2(value, client: index) }
            }
            let replies = values.count
            let client = clients[index]!
            let sent = turn.commands[index]
            if client.isClosed || turn.malformed[index] || monitoring {
                fuzzCheck(monitoring || replies <= sent + (turn.malformed[index] ? 1 : 0),
                          "client \(index) got \(replies) replies for \(sent) commands")
            } else {
                fuzzCheck(replies == sent, "client \(index) got \(replies) replies for \(sent) commands")
            }
        }
    }

    /// Client `index`, connected anew if it never was or has been closed.
    private func openClient(_ index: Int) -> Client {
        if let client = clients[index], !client.isClosed { return client }
        if peers[index] >= 0 { Glibc.close(peers[index]) }
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            fatalError("socketpair: errno \(errno)")
        }
        guard let address = server.address else { fatalError("the server has no address") }
        let client = Client(id: server.nextClientID, fd: fds[0], peer: address, local: address,
                            now: EventLoop.wallClockMilliseconds(), limits: server.configuration.limits)
        server.nextClientID += 1
        // As acceptClients: a password set by CONFIG SET applies to later connections.
        if server.configuration.requirePass != nil {
            client.authenticated = false
            client.parser.limits.unauthenticated = true
        }
        server.clients[fds[0]] = client
        server.stats.totalConnections += 1
        clients[index] = client
        peers[index] = fds[1]
        return client
    }

    /// Everything the server wrote to client `index`, flushing what the socket could not take at once.
    private func drain(_ index: Int) -> [UInt8] {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var count = 0
            repeat {
                count = buffer.withUnsafeMutableBytes { read(peers[index], $0.baseAddress, $0.count) }
                if count > 0 { output.append(contentsOf: buffer[..<count]) }
            } while count > 0
            guard let client = clients[index], !client.isClosed, client.hasUnsentOutput else { break }
            server.flush(client)
        }
        return output
    }

    /// The values in `output`, which must hold nothing but complete, well-formed RESP.
    private static func parseReplies(_ output: [UInt8], client: Int) -> [RESPValue] {
        output.withUnsafeBytes { bytes in
            var parser = ReplyParser()
            var offset = 0
            var values: [RESPValue] = []
            while offset < bytes.count {
                let result = Result { () throws(ReplyParseError) -> (RESPValue, Int)? in
                    try parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                }
                switch result {
                case .success(let parsed?):
                    offset += parsed.1
                    values.append(parsed.0)
                case .success(nil):
                    fuzzCheck(false, "client \(client): incomplete reply at byte \(offset) of \(bytes.count): "
                        + String(decoding: bytes[offset...].prefix(200), as: UTF8.self).debugDescription)
                    return values
                case .failure(let error):
                    fuzzCheck(false, "client \(client): malformed reply at byte \(offset): \(error): "
                        + String(decoding: bytes[offset...].prefix(200), as: UTF8.self).debugDescription)
                    return values
                }
            }
            return values
        }
    }

    /// Redis clients read an error's first word as its code: `-ERR …`, `-WRONGTYPE …`.
    private static func checkErrorCodes(_ value: RESPValue, client: Int) {
        switch value {
        case .error(let text):
            let code = text.utf8.prefix { $0 != UInt8(ascii: " ") }
            fuzzCheck(!code.isEmpty && code.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") },
                      "client \(client): error reply without an upper-case code: \(text.debugDescription)")
        case .array(let items), .set(let items), .push(let items):
            for item in items { checkErrorCodes(item, client: client) }
        case .map(let pairs):
            for (key, item) in pairs {
                checkErrorCodes(key, client: client)
                checkErrorCodes(item, client: client)
            }
        default:
            break
        }
    }

    /// Maps, sets, doubles, booleans, verbatim strings, big numbers and
    /// pushes exist only in RESP3; a RESP2 client gets their RESP2 forms.
    private static func checkRESP2(_ value: RESPValue, client: Int) {
        switch value {
        case .map, .set, .double, .boolean, .verbatim, .bigNumber, .push:
            fuzzCheck(false, "client \(client) speaks RESP2 but got a RESP3 value: \(value)")
        case .array(let items):
            for item in items { checkRESP2(item, client: client) }
        default:
            break
        }
    }

    /// Invariants of the stored rows, each query counting the violations.
    private func verifyStorage() {
        // Every collection type: no key without elements, no element without its key.
        let collections = [("hash", "hash_fields"), ("list", "list_items"), ("set", "set_members"), ("zset", "zset_members")]
        var checks: [(String, String)] = collections.flatMap { type, table in [
            ("a \(type) key without elements",
             "SELECT count(*) FROM keyspace AS k WHERE k.type = '\(type)' AND NOT EXISTS (SELECT 1 FROM \(table) AS e WHERE e.key_id = k.id)"),
            ("\(table) rows without their \(type) key",
             "SELECT count(*) FROM \(table) AS e WHERE NOT EXISTS (SELECT 1 FROM keyspace AS k WHERE k.id = e.key_id AND k.type = '\(type)')"),
            ("a \(type) whose length is not its number of elements",
             "SELECT count(*) FROM keyspace AS k WHERE k.type = '\(type)' AND k.length IS NOT (SELECT count(*) FROM \(table) AS e WHERE e.key_id = k.id)"),
        ] }
        checks += [
            ("a set member stored twice (as TEXT and as BLOB)",
             "SELECT count(*) FROM (SELECT 1 FROM set_members GROUP BY key_id, CAST(member AS BLOB) HAVING count(*) > 1)"),
            ("a sorted-set member stored twice (as TEXT and as BLOB)",
             "SELECT count(*) FROM (SELECT 1 FROM zset_members GROUP BY key_id, CAST(member AS BLOB) HAVING count(*) > 1)"),
            ("a string with a length", "SELECT count(*) FROM keyspace WHERE type = 'string' AND length IS NOT NULL"),
            ("a sorted-set score that is NaN or not a REAL",
             "SELECT count(*) FROM zset_members WHERE typeof(score) <> 'real' OR score <> score"),
            ("a key stored twice (as TEXT and as BLOB)",
             "SELECT count(*) FROM (SELECT 1 FROM keyspace GROUP BY db, CAST(key AS BLOB) HAVING count(*) > 1)"),
            ("a hash field stored twice (as TEXT and as BLOB)",
             "SELECT count(*) FROM (SELECT 1 FROM hash_fields GROUP BY key_id, CAST(field AS BLOB) HAVING count(*) > 1)"),
            ("a canonical integer string not stored as INTEGER",
             "SELECT count(*) FROM keyspace WHERE type = 'string' AND typeof(value) <> 'integer' AND CAST(CAST(value AS INTEGER) AS BLOB) = CAST(value AS BLOB)"),
            ("a string longer than proto-max-bulk-len",
             "SELECT count(*) FROM keyspace WHERE type = 'string' AND length(CAST(value AS BLOB)) > \(baseline.limits.maxBulkLength)"),
            ("a key of an unknown type or database",
             "SELECT count(*) FROM keyspace WHERE type NOT IN ('string', 'hash', 'list', 'set', 'zset') OR db < 0 OR db >= \(baseline.databases)"),
        ]
        for (violation, sql) in checks {
            let count: Int64
            do { count = try server.keyspace.database.queryInt(sql) } catch {
                fatalError("storage check failed: \(error)")
            }
            fuzzCheck(count == 0, "\(count) rows with \(violation)")
        }
    }

    /// Closes every client and returns the server and database to their state at start.
    private func reset() {
        for client in Array(server.clients.values) { server.close(client) }
        for index in 0..<Self.clientCount {
            if peers[index] >= 0 { Glibc.close(peers[index]) }
            peers[index] = -1
            clients[index] = nil
        }
        server.clients.removeAll()
        server.pending.removeAll()
        server.monitors.removeAll()
        server.watchers.removeAll()
        server.keyspace.onKeyModified = nil
        server.keyspace.onFlush = nil
        server.slowlog.removeAll()
        server.nextSlowlogID = 0
        server.nextClientID = 1
        server.turnRolledBack = false
        server.commandsInTransaction = 0
        server.stats = ServerStats()
        if server.configuration.fsync != baseline.fsync {
            try? server.keyspace.database.execute("PRAGMA synchronous=NORMAL")
        }
        server.configuration = baseline
        if server.keyspace.inTransaction { server.keyspace.rollback() }
        do {
            try server.keyspace.beginWrite()
            try server.keyspace.flush(db: nil)
            try server.keyspace.commit()
        } catch {
            fatalError("cannot empty the fuzzing database: \(error)")
        }
    }
}

/// The temporary directory `CommandFuzzer` made, for its exit handler.
nonisolated(unsafe) private var createdDirectory: String?

#else

/// Stub for builds without -enable-testing; Fuzz/build.sh builds the real one.
public func fuzzCommands(_ data: UnsafeRawBufferPointer) {
    fatalError("fuzzCommands needs a debug build or Fuzz/build.sh (-enable-testing -DTALLY_FUZZING)")
}

#endif
