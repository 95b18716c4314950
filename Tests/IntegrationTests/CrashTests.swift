import Foundation
import RESP
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `kill -9` under 50 concurrent writers, again and again on the same
/// database: after every restart each acknowledged write is there, nothing
/// that was never sent appears, and SQLite's integrity check passes.
///
/// `TALLY_CRASH_ROUNDS` sets the rounds (3 by default; `make crash-test` runs
/// 20) and `TALLY_CRASH_SEED` replays a run: the seed picks every client's
/// commands and each round's moment of the kill.
@Suite("Crash", .serialized)
struct CrashTests {
    static let clients = 50
    static let policies = ["always", "everysec", "no"]

    @Test("kill -9 under 50 writers of INCR, INCRBY, SET, HINCRBY: every acknowledged write survives each restart")
    func killNineRounds() throws {
        let rounds = Durability.count(from: "TALLY_CRASH_ROUNDS", default: 3)
        let seed = Durability.seed(from: "TALLY_CRASH_SEED")
        print("crash test: \(rounds) rounds, seed \(seed) (replay with TALLY_CRASH_SEED=\(seed))")
        var random = DurabilityRandom(seed: seed)
        try withTemporaryDirectory { directory in
            let database = directory + "/t.db"
            var stored = CrashState()
            for round in 1...rounds {
                let killAfter = Int.random(in: 100...15_000, using: &random)
                // A process crash loses nothing under any policy: the WAL is written before the reply.
                let fsync = Self.policies[(round - 1) % Self.policies.count]
                let outcome = try Self.loadAndKill(database: database, fsync: fsync, round: round, seed: seed, killAfter: killAfter)
                // The files exactly as the crash left them, checked on a copy before the server recovers them.
                let copy = directory + "/crashed-\(round).db"
                for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: database + suffix) {
                    try FileManager.default.copyItem(atPath: database + suffix, toPath: copy + suffix)
                }
                let crashedIntegrity = try Durability.integrityCheck(copy)
                #expect(crashedIntegrity == "ok", "round \(round) seed \(seed): integrity_check of the crashed files: \(crashedIntegrity)")
                let tally = try TallyProcess(databasePath: database)
                defer { tally.stop() }
                let found = try CrashState.read(from: tally.connect())
                let problems = stored.check(found, against: outcome)
                print("crash round \(round)/\(rounds) (--fsync \(fsync)): killed after \(outcome.acknowledged) acknowledged writes (target \(killAfter)), \(outcome.inFlight) in flight, \(outcome.checkpoints) checkpoints; hits \(found.hits)")
                #expect(outcome.errors.isEmpty, "round \(round) seed \(seed): \(outcome.errors.prefix(5))")
                #expect(problems.isEmpty, "round \(round) seed \(seed): \(problems.prefix(10))")
                let integrity = try Durability.integrityCheck(database)
                #expect(integrity == "ok", "round \(round) seed \(seed): integrity_check: \(integrity)")
                if !problems.isEmpty || integrity != "ok" || !outcome.errors.isEmpty { return }
                stored = found
            }
        }
    }

    @Test("the crash checker flags a lost acknowledged write, a value never sent, and an extra increment")
    func checkerFlagsLossAndInvention() throws {
        var log = ClientLog(index: 0)
        try log.acknowledge(.incrementShared, reply: .integer(1))
        try log.acknowledge(.incrementOwn(5), reply: .integer(5))
        try log.acknowledge(.set("a"), reply: .simpleString("OK"))
        try log.acknowledge(.hashIncrementOwn(3), reply: .integer(3))
        log.inFlight = .set("b")
        var logs = (0..<Self.clients).map { ClientLog(index: $0) }
        logs[0] = log
        let outcome = Outcome(clients: logs, acknowledged: 4, inFlight: 1, errors: [])
        var good = CrashState()
        good.hits = 1
        good.own[0] = 5
        good.hashOwn[0] = 3
        good.sets[0] = "b"
        good.keys = 4
        let before = CrashState()
        #expect(before.check(good, against: outcome).isEmpty, "\(before.check(good, against: outcome))")

        var lost = good
        lost.own[0] = 0
        #expect(before.check(lost, against: outcome).count == 1)
        var invented = good
        invented.sets[0] = "c"
        #expect(before.check(invented, against: outcome).count == 1)
        var extra = good
        extra.hits = 2
        #expect(before.check(extra, against: outcome).count == 1)
        var unsentField = good
        unsentField.hashShared = 1
        #expect(before.check(unsentField, against: outcome).count == 1)
    }

    /// What the writers saw in one round.
    struct Outcome {
        var clients: [ClientLog]
        var acknowledged: Int
        var inFlight: Int
        var errors: [String]
        var checkpoints = 0
    }

    /// Starts the server, runs the 50 writers until `killAfter` writes were
    /// acknowledged, kills the server with SIGKILL and waits for the writers.
    /// Beside the writers, an operator's `sqlite3` checkpoints the WAL into the
    /// database file now and then (`PRAGMA wal_checkpoint(PASSIVE)`, another
    /// process), so that kills also land during checkpoints. (The server's own
    /// BGSAVE is not used here: in a turn with writes it answers them with
    /// errors although they were committed; PersistenceCheckpointTests shows it.)
    static func loadAndKill(database: String, fsync: String, round: Int, seed: UInt64, killAfter: Int) throws -> Outcome {
        let tally = try TallyProcess(databasePath: database, arguments: ["--fsync", fsync])
        let port = tally.port
        let sqlite = try PackagePaths.tool("sqlite3", package: "sqlite3")
        let checkpoints = Locked(0)
        let stopCheckpoints = Locked(false)
        let checkpointer = ThreadGroup(1) { _ in
            // Bounded; paced so that checkpoints do not crowd out the writes.
            for _ in 0..<10_000 where !stopCheckpoints.withLock({ $0 }) {
                let output = try runProgram(sqlite, [database, ".timeout 2000", "PRAGMA wal_checkpoint(PASSIVE)"], timeout: 30)
                guard output.termination == .exited(0) else {
                    throw HarnessError("sqlite3 wal_checkpoint ended with \(output.termination): \(output.stderr)")
                }
                checkpoints.withLock { $0 += 1 }
                usleep(20_000)
            }
        }
        let acknowledged = Locked(0)
        let logs = Locked<[Int: ClientLog]>([:])
        let writers = ThreadGroup(clients) { index in
            var random = DurabilityRandom(seed: seed ^ (UInt64(round) << 32) ^ UInt64(index))
            var log = ClientLog(index: index)
            defer { logs.withLock { $0[index] = log } }
            let connection = try RESPConnection(port: port, timeout: 30)
            // Bounded: ends when the server dies (or after a million commands).
            for sequence in 0..<1_000_000 {
                let operation = CrashOperation.random(client: index, round: round, sequence: sequence, using: &random)
                log.inFlight = operation
                guard let reply = try? connection.call(operation.command(client: index)) else { return }
                try log.acknowledge(operation, reply: reply)
                acknowledged.withLock { $0 += 1 }
            }
        }
        let reached = acknowledged.wait(until: Date().addingTimeInterval(120)) { $0 >= killAfter }
        let killed = tally.kill()
        var errors = writers.join(timeout: 120)
        stopCheckpoints.withLock { $0 = true }
        errors += checkpointer.join(timeout: 60)
        if !reached { errors.append("only \(acknowledged.withLock { $0 }) writes were acknowledged within 120 s, \(killAfter) expected") }
        if killed != .signalled(SIGKILL) { errors.append("the server ended with \(killed) before SIGKILL") }
        let all = logs.withLock { $0 }
        return Outcome(
            clients: (0..<clients).map { all[$0] ?? ClientLog(index: $0) },
            acknowledged: acknowledged.withLock { $0 },
            inFlight: all.values.filter { $0.inFlight != nil }.count,
            errors: errors,
            checkpoints: checkpoints.withLock { $0 })
    }
}

/// One writer's command, chosen by the seeded generator.
enum CrashOperation {
    /// INCR crash:hits (shared by every client).
    case incrementShared
    /// INCRBY crash:n:<client> amount (the client's own counter).
    case incrementOwn(Int64)
    /// SET crash:s:<client> value.
    case set(String)
    /// HINCRBY crash:h all 1 (shared field).
    case hashIncrementShared
    /// HINCRBY crash:h c<client> amount (the client's own field).
    case hashIncrementOwn(Int64)

    static func random(client: Int, round: Int, sequence: Int, using random: inout DurabilityRandom) -> CrashOperation {
        switch Int.random(in: 0..<5, using: &random) {
        case 0: .incrementShared
        case 1: .incrementOwn(Int64.random(in: 1...1000, using: &random))
        case 2: .set("r\(round)-c\(client)-\(sequence)")
        case 3: .hashIncrementShared
        default: .hashIncrementOwn(Int64.random(in: 1...100, using: &random))
        }
    }

    /// The command as sent by client `client`.
    func command(client: Int) -> [String] {
        switch self {
        case .incrementShared: ["INCR", "crash:hits"]
        case .incrementOwn(let amount): ["INCRBY", "crash:n:\(client)", String(amount)]
        case .set(let value): ["SET", "crash:s:\(client)", value]
        case .hashIncrementShared: ["HINCRBY", "crash:h", "all", "1"]
        case .hashIncrementOwn(let amount): ["HINCRBY", "crash:h", "c\(client)", String(amount)]
        }
    }
}

/// Everything one writer had acknowledged in a round, and the command it had
/// sent without a reply when the server died.
struct ClientLog {
    let index: Int
    var sharedIncrements = 0
    var highestShared: Int64 = 0
    var ownIncrements: Int64 = 0
    var lastSet: String?
    var hashSharedIncrements = 0
    var highestHashShared: Int64 = 0
    var hashOwnIncrements: Int64 = 0
    var inFlight: CrashOperation?
    /// The replies to the client's own counters, each checked against the running sum.
    var lastOwnReply: Int64?
    var lastHashOwnReply: Int64?

    init(index: Int) { self.index = index }

    mutating func acknowledge(_ operation: CrashOperation, reply: RESPValue) throws {
        func integer() throws -> Int64 {
            guard case .integer(let value) = reply else {
                throw HarnessError("client \(index): \(operation.command(client: index)) answered \(reply)")
            }
            return value
        }
        switch operation {
        case .incrementShared:
            highestShared = max(highestShared, try integer())
            sharedIncrements += 1
        case .incrementOwn(let amount):
            let value = try integer()
            if let last = lastOwnReply, value != last + amount {
                throw HarnessError("client \(index): INCRBY \(amount) after \(last) answered \(value)")
            }
            lastOwnReply = value
            ownIncrements += amount
        case .set:
            guard reply == .simpleString("OK") else { throw HarnessError("client \(index): SET answered \(reply)") }
            if case .set(let value) = operation { lastSet = value }
        case .hashIncrementShared:
            highestHashShared = max(highestHashShared, try integer())
            hashSharedIncrements += 1
        case .hashIncrementOwn(let amount):
            let value = try integer()
            if let last = lastHashOwnReply, value != last + amount {
                throw HarnessError("client \(index): HINCRBY \(amount) after \(last) answered \(value)")
            }
            lastHashOwnReply = value
            hashOwnIncrements += amount
        }
        inFlight = nil
    }
}

/// The values of every key the writers touch, as the server reports them.
struct CrashState {
    var hits: Int64 = 0
    var hashShared: Int64 = 0
    var own: [Int: Int64] = [:]
    var hashOwn: [Int: Int64] = [:]
    var sets: [Int: String] = [:]
    var keys = 0

    static func read(from connection: RESPConnection) throws -> CrashState {
        var state = CrashState()
        func number(_ reply: RESPValue, _ what: String) throws -> Int64? {
            if reply == .null { return nil }
            guard let value = Durability.integer(reply) else { throw HarnessError("\(what) answered \(reply)") }
            return value
        }
        state.hits = try number(connection.call("GET", "crash:hits"), "GET crash:hits") ?? 0
        state.hashShared = try number(connection.call("HGET", "crash:h", "all"), "HGET crash:h all") ?? 0
        for client in 0..<CrashTests.clients {
            state.own[client] = try number(connection.call("GET", "crash:n:\(client)"), "GET crash:n:\(client)")
            state.hashOwn[client] = try number(connection.call("HGET", "crash:h", "c\(client)"), "HGET crash:h c\(client)")
            let set = try connection.call("GET", "crash:s:\(client)")
            if set != .null {
                guard let text = set.stringValue else { throw HarnessError("GET crash:s:\(client) answered \(set)") }
                state.sets[client] = text
            }
        }
        guard case .integer(let keys) = try connection.call("DBSIZE") else { throw HarnessError("DBSIZE is not an integer") }
        state.keys = Int(keys)
        return state
    }

    /// What is wrong with `found`, the state after the crash, given `self`
    /// (the state before the round) and what the writers saw.
    func check(_ found: CrashState, against outcome: CrashTests.Outcome) -> [String] {
        var problems: [String] = []
        let logs = outcome.clients
        func between(_ name: String, _ value: Int64, _ low: Int64, _ high: Int64) {
            if value < low { problems.append("\(name) = \(value): an acknowledged write is missing (at least \(low) expected)") }
            if value > high { problems.append("\(name) = \(value): more than was ever sent (at most \(high) expected)") }
        }

        // Shared counters: every acknowledged increment is in, and at most the in-flight ones besides.
        let sharedAcknowledged = Int64(logs.map(\.sharedIncrements).reduce(0, +))
        let sharedInFlight = Int64(logs.filter { if case .incrementShared = $0.inFlight { true } else { false } }.count)
        between("crash:hits", found.hits, max(hits + sharedAcknowledged, logs.map(\.highestShared).max() ?? 0),
                hits + sharedAcknowledged + sharedInFlight)
        let hashAcknowledged = Int64(logs.map(\.hashSharedIncrements).reduce(0, +))
        let hashInFlight = Int64(logs.filter { if case .hashIncrementShared = $0.inFlight { true } else { false } }.count)
        between("crash:h all", found.hashShared, max(hashShared + hashAcknowledged, logs.map(\.highestHashShared).max() ?? 0),
                hashShared + hashAcknowledged + hashInFlight)

        for log in logs {
            let client = log.index
            // A client's own counter and field: exactly the acknowledged sum, or that plus the one in flight.
            let ownBase = (own[client] ?? 0) + log.ownIncrements
            var ownAllowed: Set<Int64> = [ownBase]
            if case .incrementOwn(let amount) = log.inFlight { ownAllowed.insert(ownBase + amount) }
            let ownFound = found.own[client] ?? 0
            if !ownAllowed.contains(ownFound) {
                problems.append("crash:n:\(client) = \(ownFound), expected one of \(ownAllowed.sorted())")
            }
            let hashBase = (hashOwn[client] ?? 0) + log.hashOwnIncrements
            var hashAllowed: Set<Int64> = [hashBase]
            if case .hashIncrementOwn(let amount) = log.inFlight { hashAllowed.insert(hashBase + amount) }
            let hashFound = found.hashOwn[client] ?? 0
            if !hashAllowed.contains(hashFound) {
                problems.append("crash:h c\(client) = \(hashFound), expected one of \(hashAllowed.sorted())")
            }
            // SET: the last acknowledged value (or the earlier one), or the one in flight.
            var setAllowed: Set<String?> = [log.lastSet ?? sets[client]]
            if case .set(let value) = log.inFlight { setAllowed.insert(value) }
            if !setAllowed.contains(found.sets[client]) {
                problems.append("crash:s:\(client) = \(found.sets[client] ?? "nil"), expected one of \(setAllowed.map { $0 ?? "nil" })")
            }
        }
        // Nothing else was written: crash:hits, crash:h, and per client crash:n:i and crash:s:i at most.
        if found.keys > 2 + 2 * CrashTests.clients {
            problems.append("DBSIZE \(found.keys): keys appeared that no client wrote")
        }
        return problems
    }
}
