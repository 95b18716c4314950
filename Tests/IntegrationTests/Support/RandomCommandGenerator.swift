import Foundation

/// One command of a random differential run, sent on connection A (0) or B (1).
struct RandomStep: Sendable, Equatable {
    var connection: Int
    var arguments: [[UInt8]]

    /// The command name, upper-cased.
    var name: String { String(decoding: arguments.first ?? [], as: UTF8.self).uppercased() }

    /// `A` or `B`.
    var label: String { connection == 0 ? "A" : "B" }

    /// Every argument double-quoted with `Bytes.escaped`, which `CorpusScript.split` reads back:
    /// the line can be pasted into a corpus file as it is.
    var text: String { arguments.map { Bytes.escaped($0) }.joined(separator: " ") }
}

/// Random command sequences for the differential run against redis-server,
/// entirely determined by a seed.
///
/// The generator is SplitMix64 (`SplitMix64`: add the golden-ratio constant
/// 0x9E3779B97F4A7C15 to a 64-bit state, then mix it with two xor-shift-multiply
/// rounds); a choice among n things is `next() % n`. Nothing else (no clock,
/// no global random) goes into a sequence, and the sequence for N commands is
/// the first N of the sequence for any larger N, so a divergence at index i
/// replays with the same seed and N = i + 1.
///
/// What it produces: strings, counters, hashes, lists, sets, sorted sets and
/// key commands over a small key space (twelve keys plus the empty key and a
/// non-UTF-8 one, four fields, five recurring elements and members),
/// values near 0, near the int64 bounds, short strings (empty included) and
/// floats; SELECT 0/1; MULTI/EXEC/DISCARD with queue errors sometimes; WATCH
/// on connection A with connection B writing (or not) before A's EXEC.
///
/// What it leaves out, because the two servers may rightly differ or the
/// reply depends on the clock:
/// - RANDOMKEY, HRANDFIELD (random); SPOP, SRANDMEMBER and ZRANDMEMBER only
///   with a count of 1000, which takes the whole set (SPOP's and
///   SRANDMEMBER's compared sorted; ZRANDMEMBER's order is fixed); SCAN,
///   HSCAN, SSCAN and ZSCAN only as one call that covers everything;
/// - the order of a set's members (SMEMBERS, SINTER, SUNION, SDIFF, SSCAN,
///   SPOP): Redis lists an intset in ascending order and a hashtable in hash
///   order, and a set that was once a hashtable stays one (so do sorted sets
///   that were once skiplists): the runner sorts these replies, and OBJECT
///   ENCODING is never asked of a key a set or sorted-set command touched;
/// - exact TTLs: the runner compares TTL/PTTL/EXPIRETIME/PEXPIRETIME replies
///   only as -2, -1 or positive; relative expiries are ≥ 1,000 s so nothing
///   expires during a run;
/// - EXPIRE GT/LT against a relative expiry: `EXPIRE k 5000 GT` over an
///   earlier `EXPIRE k 5000` depends on whether a millisecond passed between
///   them. GT/LT appear only with EXPIREAT/PEXPIREAT at fixed absolute times
///   in 2096 (`absoluteSeconds`), which no relative expiry reaches, and at
///   times in 1970 (which delete the key);
/// - SET … EXAT/PXAT in the past: Redis 7.0 stores the key already expired
///   and DBSIZE counts it until its active expiry cycle (10 times a second)
///   happens to remove it; Tally hides it at once. EXPIREAT, PEXPIREAT and
///   GETEX in the past delete the key at once in both, and stay;
/// - OBJECT ENCODING where Redis's answer depends on the key's history: a
///   string APPEND or SETRANGE may have made raw (Redis remembers the
///   encoding, Tally does not: the documented difference in
///   Corpus/keys_moving.txt); a string INCRBYFLOAT wrote (Redis: embstr even
///   for `3`; Tally: int); a hash HINCRBYFLOAT may have given a value over 64
///   bytes (`1e400`), which Redis makes a hashtable for good (Tally: listpack
///   again once the value is small). The last two are cases 1 and 2 of
///   Corpus/random_found.txt: once Tally matches them, take INCRBYFLOAT and
///   HINCRBYFLOAT out of `noteEncoding`. A conservative model follows, per
///   database and key, where such a value may be (RENAME, COPY and MOVE carry
///   it), and asks OBJECT ENCODING only elsewhere, never inside MULTI;
/// - FLUSHDB and FLUSHALL while a WATCH is pending: Redis fails the
///   transaction only if a watched key existed in the flushed database,
///   Tally always (Corpus/random_found.txt case 3; when fixed, remove the
///   DBSIZE stand-in in `dataCommand`);
/// - the order of a hash's fields (HGETALL, HKEYS, HVALS, HSCAN): the runner
///   sorts them, see `ReplyMask`.
struct RandomCommandGenerator {
    private var random: SplitMix64
    private var pending: [RandomStep] = []
    private var pendingStart = 0
    private var sessions = [Session(), Session()]
    /// (database, key) pairs whose OBJECT ENCODING may depend on history (see above).
    private var historyEncoded: Set<DatabaseKey> = []
    /// While set, `key()` returns it most of the time (a WATCH scenario's key).
    private var preferredKey: [UInt8]?

    private struct Session {
        /// The selected database; nil when a SELECT inside MULTI makes it uncertain.
        var database: Int? = 0
        var inMulti = false
        /// Between a WATCH and the EXEC, DISCARD or UNWATCH that forgets it.
        var watching = false
        /// The commands queued since MULTI, with the database each was queued in.
        var queued: [(command: String, arguments: [[UInt8]], database: Int?)] = []
    }

    private struct DatabaseKey: Hashable {
        var database: Int
        var key: [UInt8]
    }

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// The next command of the sequence.
    mutating func next() -> RandomStep {
        while pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            generate()
        }
        defer { pendingStart += 1 }
        return pending[pendingStart]
    }

    /// The first `count` commands for `seed`.
    static func steps(seed: UInt64, count: Int) -> [RandomStep] {
        var generator = RandomCommandGenerator(seed: seed)
        return (0..<count).map { _ in generator.next() }
    }

    // MARK: - Choices

    private mutating func below(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    private mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

    private static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    static let mainKeys = bytes(["k0", "k1", "k2", "k3", "h0", "h1", "l0", "l1", "s0", "s1", "z0", "z1"])
    /// The empty key, and a key that is not UTF-8 (Tally stores it as a BLOB).
    static let oddKeys: [[UInt8]] = [[], [0xFF, 0x00, UInt8(ascii: "k")]]
    static let hashKeys = bytes(["h0", "h1"])
    static let listKeys = bytes(["l0", "l1"])
    static let setKeys = bytes(["s0", "s1"])
    static let zsetKeys = bytes(["z0", "z1"])
    /// Scores: integers, fractions, infinities, and a few ZADD refuses.
    static let scores = bytes(["0", "1", "2", "-1", "1.5", "0.1", "3", "inf", "-inf", "+inf", "1e3"])
    static let badScores = bytes(["nan", "abc", "", "1e400", " 1"])
    /// ZRANGEBYSCORE-style bounds.
    static let scoreBounds = bytes(["-inf", "+inf", "0", "1", "(1", "2", "(2", "1.5", "abc"])
    /// ZRANGEBYLEX-style bounds.
    static let lexBounds = bytes(["-", "+", "[a", "(a", "[b", "(b", "[1", "[", "a"])
    /// A few list elements that recur, so LREM, LPOS and LINSERT find them.
    static let elements = bytes(["a", "b", "1", "2", ""])
    static let fields: [[UInt8]] = bytes(["f0", "f1", "f2", ""]) + [[0xFE, UInt8(ascii: "f")]]

    static let smallIntegers = bytes((-3...12).map(String.init))
    static let boundIntegers = bytes([
        "9223372036854775807", "9223372036854775806", "-9223372036854775808", "-9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "4611686018427387904", "18446744073709551616",
    ])
    /// Integers in forms Redis does not take as canonical (stored as strings).
    static let oddIntegers = bytes(["-0", "01", "+1", " 1", "1 ", "00", "0x1A", "1e2", "10000000000000000000000"])
    static let strings: [[UInt8]] = bytes(["", "a", "bc", "hello", "x y", "é", "foo\r\nbar", "fourty-five-bytes-are-more-than-embstr-holds!!"])
        + [[0x00, 0xFF], [0xC3]]
    static let floats = bytes([
        "0.1", "-0.1", "1.5", "-2.25", "3.0", "1e3", "1E-3", "0", "-0.0", ".5", "5.", "2.5e+2",
        "0.30000000000000004", "123456789.123456789", "1.7976931348623157e308", "-1.7976931348623157e308",
        "5e-324", "1e400", "-1e4000", "1e5000", "inf", "-inf", "+inf", "nan", "0x10", "1e", "1.5abc", "",
    ])
    static let relativeSeconds = bytes(["1000", "1500", "3600", "86400", "2000000"])
    static let relativeMilliseconds = bytes(["1000000", "1234567", "90000000", "2000000001"])
    /// Fixed Unix times in 2096 (far beyond any relative expiry), and two in 1970.
    static let absoluteSeconds = bytes(["4000000000", "4000100000", "4000200000", "4000300000"])
    static let pastSeconds = bytes(["1", "1000"])

    private mutating func key() -> [UInt8] {
        if let preferredKey, chance(70) { return preferredKey }
        return chance(93) ? pick(Self.mainKeys) : pick(Self.oddKeys)
    }

    private mutating func hashKey() -> [UInt8] { chance(75) ? pick(Self.hashKeys) : key() }
    private mutating func listKey() -> [UInt8] { chance(75) ? pick(Self.listKeys) : key() }
    private mutating func setKey() -> [UInt8] { chance(75) ? pick(Self.setKeys) : key() }
    private mutating func zsetKey() -> [UInt8] { chance(75) ? pick(Self.zsetKeys) : key() }
    private mutating func score() -> [UInt8] { chance(95) ? pick(Self.scores) : pick(Self.badScores) }
    private mutating func scoreBound() -> [UInt8] { pick(Self.scoreBounds) }
    private mutating func lexBound() -> [UInt8] { pick(Self.lexBounds) }
    /// Members: the recurring elements, or a value, so sets and sorted sets
    /// meet both integers (intsets) and strings.
    private mutating func member() -> [UInt8] { element() }
    private mutating func element() -> [UInt8] { chance(60) ? pick(Self.elements) : value() }
    private mutating func listEnd() -> [UInt8] { chance(95) ? Array(pick(["LEFT", "RIGHT", "left"]).utf8) : Array("MIDDLE".utf8) }
    private mutating func field() -> [UInt8] { pick(Self.fields) }

    private mutating func value() -> [UInt8] {
        switch below(100) {
        case 0..<30: pick(Self.smallIntegers)
        case 30..<40: pick(Self.boundIntegers)
        case 40..<48: pick(Self.oddIntegers)
        case 48..<78: pick(Self.strings)
        default: pick(Self.floats)
        }
    }

    private mutating func integerArgument() -> [UInt8] {
        switch below(100) {
        case 0..<70: Array(String(below(11) - 5).utf8)
        case 70..<85: pick(Self.boundIntegers)
        default: pick(Self.bytes(["", "1.5", "abc", " 1", "9223372036854775808", "0x10", "-"]))
        }
    }

    private mutating func floatArgument() -> [UInt8] { chance(75) ? pick(Self.floats) : integerArgument() }

    private mutating func range() -> [UInt8] {
        chance(85) ? Array(String(below(16) - 5).utf8) : pick(Self.bytes(["9223372036854775807", "-9223372036854775808", "x"]))
    }

    /// A fixed time in 2096, or (when `past`, sometimes) in 1970.
    private mutating func absoluteTime(milliseconds: Bool, past: Bool = true) -> [UInt8] {
        let seconds = past && chance(15) ? pick(Self.pastSeconds) : pick(Self.absoluteSeconds)
        return milliseconds ? seconds + Array("000".utf8) : seconds
    }

    /// Sometimes the command name in lower or mixed case: Redis matches names case-insensitively.
    private mutating func name(_ name: String) -> [UInt8] {
        switch below(20) {
        case 0: Array(name.lowercased().utf8)
        case 1: Array((name.prefix(1) + name.dropFirst().lowercased()).utf8)
        default: Array(name.utf8)
        }
    }

    // MARK: - Sequences

    private mutating func emit(_ connection: Int, _ arguments: [[UInt8]]) {
        apply(connection, arguments)
        pending.append(RandomStep(connection: connection, arguments: arguments))
    }

    private mutating func generate() {
        let connection = chance(80) ? 0 : 1
        if sessions[connection].inMulti {
            switch below(100) {
            case 0..<16: emit(connection, [name("EXEC")])
            case 16..<19: emit(connection, [name("DISCARD")])
            case 19..<22: emit(connection, queueError())
            default: emit(connection, dataCommand(connection))
            }
            return
        }
        switch below(1000) {
        case 0..<40: emit(connection, [name("MULTI")])
        case 40..<70: emit(connection, [name("WATCH")] + (0...below(3)).map { _ in key() })
        case 70..<80: emit(connection, [name("UNWATCH")])
        case 80..<100: emit(connection, [name("SELECT"), select()])
        case 100..<103: emit(connection, [name(pick(["EXEC", "DISCARD"]))])
        case 103..<143 where !sessions[0].inMulti && !sessions[1].inMulti: watchScenario()
        default: emit(connection, dataCommand(connection))
        }
    }

    private mutating func select() -> [UInt8] {
        switch below(100) {
        case 0..<62: Array("0".utf8)
        case 62..<96: Array("1".utf8)
        default: pick(Self.bytes(["16", "-1", "abc"]))
        }
    }

    /// A WATCH on A, then on B a write to the watched key (mostly), to another
    /// key, a read or nothing, then A's transaction.
    private mutating func watchScenario() {
        let watched = key()
        var keys = [watched]
        if chance(30) { keys.append(key()) }
        emit(0, [name("WATCH")] + keys)
        if chance(20) { emit(0, dataCommand(0)) }
        preferredKey = watched
        for _ in 0..<below(3) { emit(1, dataCommand(1)) }
        preferredKey = nil
        if chance(8) { emit(0, [name("UNWATCH")]) }
        emit(0, [name("MULTI")])
        for _ in 0...below(3) { emit(0, dataCommand(0)) }
        if chance(5) { emit(0, queueError()) }
        emit(0, [name(chance(92) ? "EXEC" : "DISCARD")])
    }

    /// A command that fails while being queued, so EXEC answers EXECABORT (or
    /// that Redis refuses inside MULTI without aborting it).
    private mutating func queueError() -> [[UInt8]] {
        switch below(5) {
        case 0: [Array("NOSUCHCOMMAND".utf8), key()]
        case 1: [name("GET")]
        case 2: [name("HSET"), hashKey(), field()]
        case 3: [name("WATCH"), key()]
        default: [name("MULTI")]
        }
    }

    private enum Kind: CaseIterable {
        case set, get, incr, decr, incrby, decrby, incrbyfloat, append, strlen, getset, getdel, getex,
             getrange, substr, setrange, mset, mget, msetnx, setnx, setex, psetex
        case hset, hmset, hsetnx, hget, hmget, hgetall, hdel, hlen, hexists, hkeys, hvals, hstrlen,
             hincrby, hincrbyfloat, hscan
        case lpush, rpush, lpushx, rpushx, lpop, rpop, lmpop, lmove, rpoplpush, llen, lrange, lindex, lpos,
             lset, ltrim, lrem, linsert
        case sadd, srem, smembers, sismember, smismember, scard, spop, srandmember, smove, sinter, sunion, sdiff,
             sinterstore, sunionstore, sdiffstore, sintercard, sscan
        case zadd, zincrby, zscore, zmscore, zcard, zrank, zrevrank, zrem, zpopmin, zpopmax, zmpop, zrange,
             zrangebyscore, zrevrangebyscore, zrangebylex, zcount, zlexcount, zremrangebyrank, zremrangebyscore,
             zremrangebylex, zrangestore, zunion, zinter, zdiff, zunionstore, zinterstore, zintercard, zscan,
             zrandmember
        case del, unlink, exists, type, touch, rename, renamenx, copy, move, persist, expire, pexpire,
             expireat, pexpireat, ttl, pttl, expiretime, pexpiretime, keys, scan, dbsize, objectEncoding
        case flushdb, flushall, ping, echo, wrongArity

        var weight: Int {
            switch self {
            case .set: 60
            case .get, .incr, .hset: 30
            case .incrby, .incrbyfloat, .append, .hincrby, .hincrbyfloat, .hget, .del, .lpush, .rpush: 20
            case .lpop, .rpop, .lrange, .lrem, .linsert, .lmove, .lpos, .lindex, .lset, .ltrim: 8
            case .lpushx, .rpushx, .lmpop, .rpoplpush, .llen: 4
            case .sadd, .zadd: 16
            case .srem, .smembers, .sismember, .spop, .smove, .sinter, .sunion, .sdiff, .sinterstore,
                 .zincrby, .zscore, .zrem, .zrange, .zrangebyscore, .zpopmin, .zpopmax, .zrank, .zcount,
                 .zunionstore, .zinterstore: 6
            case .smismember, .scard, .srandmember, .sunionstore, .sdiffstore, .sintercard, .sscan, .zmscore,
                 .zcard, .zrevrank, .zmpop, .zrevrangebyscore, .zrangebylex, .zlexcount, .zremrangebyrank,
                 .zremrangebyscore, .zremrangebylex, .zrangestore, .zunion, .zinter, .zdiff, .zintercard,
                 .zscan, .zrandmember: 3
            case .decr, .decrby, .strlen, .getset, .getdel, .getex, .getrange, .setrange, .mset, .mget,
                 .msetnx, .setnx, .hgetall, .hdel, .hmget, .exists, .type, .rename, .copy, .move,
                 .expire, .expireat, .ttl, .objectEncoding: 10
            case .substr, .setex, .psetex, .hmset, .hsetnx, .hlen, .hexists, .hkeys, .hvals, .hstrlen,
                 .unlink, .touch, .renamenx, .persist, .pexpire, .pexpireat, .pttl, .expiretime,
                 .pexpiretime, .keys, .dbsize, .wrongArity: 5
            case .hscan, .scan, .ping, .echo: 3
            case .flushdb, .flushall: 1
            }
        }

        static let totalWeight = allCases.reduce(0) { $0 + $1.weight }
    }

    private mutating func kind() -> Kind {
        var roll = below(Kind.totalWeight)
        for kind in Kind.allCases {
            if roll < kind.weight { return kind }
            roll -= kind.weight
        }
        return .get
    }

    /// A data command (no MULTI, WATCH or SELECT state of its own, except SELECT inside MULTI).
    private mutating func dataCommand(_ connection: Int) -> [[UInt8]] {
        let session = sessions[connection]
        if session.inMulti && chance(3) { return [name("SELECT"), select()] }
        let kind = kind()
        switch kind {
        case .set: return setCommand()
        case .get: return [name("GET"), key()]
        case .incr: return [name("INCR"), key()]
        case .decr: return [name("DECR"), key()]
        case .incrby: return [name("INCRBY"), key(), integerArgument()]
        case .decrby: return [name("DECRBY"), key(), integerArgument()]
        case .incrbyfloat: return [name("INCRBYFLOAT"), key(), floatArgument()]
        case .append: return [name("APPEND"), key(), value()]
        case .strlen: return [name("STRLEN"), key()]
        case .getset: return [name("GETSET"), key(), value()]
        case .getdel: return [name("GETDEL"), key()]
        case .getex: return getexCommand()
        case .getrange: return [name("GETRANGE"), key(), range(), range()]
        case .substr: return [name("SUBSTR"), key(), range(), range()]
        case .setrange:
            let offset = chance(92) ? Array(String(below(12)).utf8) : pick(Self.bytes(["-1", "abc", "536870912"]))
            return [name("SETRANGE"), key(), offset, value()]
        case .mset: return [name("MSET")] + (0...below(3)).flatMap { _ in [key(), value()] }
        case .msetnx: return [name("MSETNX")] + (0...below(3)).flatMap { _ in [key(), value()] }
        case .mget: return [name("MGET")] + (0...below(4)).map { _ in key() }
        case .setnx: return [name("SETNX"), key(), value()]
        case .setex: return [name("SETEX"), key(), chance(90) ? pick(Self.relativeSeconds) : pick(Self.bytes(["0", "-5", "x"])), value()]
        case .psetex: return [name("PSETEX"), key(), chance(90) ? pick(Self.relativeMilliseconds) : pick(Self.bytes(["0", "-5", "x"])), value()]
        case .hset: return [name("HSET"), hashKey()] + (0...below(2)).flatMap { _ in [field(), value()] }
        case .hmset: return [name("HMSET"), hashKey()] + (0...below(2)).flatMap { _ in [field(), value()] }
        case .hsetnx: return [name("HSETNX"), hashKey(), field(), value()]
        case .hget: return [name("HGET"), hashKey(), field()]
        case .hmget: return [name("HMGET"), hashKey()] + (0...below(3)).map { _ in field() }
        case .hgetall: return [name("HGETALL"), hashKey()]
        case .hdel: return [name("HDEL"), hashKey()] + (0...below(2)).map { _ in field() }
        case .hlen: return [name("HLEN"), hashKey()]
        case .hexists: return [name("HEXISTS"), hashKey(), field()]
        case .hkeys: return [name("HKEYS"), hashKey()]
        case .hvals: return [name("HVALS"), hashKey()]
        case .hstrlen: return [name("HSTRLEN"), hashKey(), field()]
        case .hincrby: return [name("HINCRBY"), hashKey(), field(), integerArgument()]
        case .hincrbyfloat: return [name("HINCRBYFLOAT"), hashKey(), field(), floatArgument()]
        case .hscan: return [name("HSCAN"), hashKey(), Array("0".utf8), Array("COUNT".utf8), Array("1000".utf8)]
        case .lpush: return [name("LPUSH"), listKey()] + (0...below(3)).map { _ in element() }
        case .rpush: return [name("RPUSH"), listKey()] + (0...below(3)).map { _ in element() }
        case .lpushx: return [name("LPUSHX"), listKey()] + (0...below(2)).map { _ in element() }
        case .rpushx: return [name("RPUSHX"), listKey()] + (0...below(2)).map { _ in element() }
        case .lpop, .rpop:
            var arguments = [name(kind == .lpop ? "LPOP" : "RPOP"), listKey()]
            if chance(40) { arguments.append(chance(85) ? Array(String(below(4)).utf8) : integerArgument()) }
            return arguments
        case .lmpop:
            let keys = (0...below(2)).map { _ in listKey() }
            var arguments = [name("LMPOP"), Array(String(keys.count).utf8)] + keys + [listEnd()]
            if chance(40) { arguments += [Array("COUNT".utf8), chance(85) ? Array(String(below(4) + 1).utf8) : integerArgument()] }
            return arguments
        case .lmove: return [name("LMOVE"), listKey(), listKey(), listEnd(), listEnd()]
        case .rpoplpush: return [name("RPOPLPUSH"), listKey(), listKey()]
        case .llen: return [name("LLEN"), listKey()]
        case .lrange: return [name("LRANGE"), listKey(), range(), range()]
        case .lindex: return [name("LINDEX"), listKey(), range()]
        case .lpos:
            var arguments = [name("LPOS"), listKey(), element()]
            if chance(40) { arguments += [Array("RANK".utf8), pick(Self.bytes(["1", "2", "-1", "-2", "0", "x"]))] }
            if chance(40) { arguments += [Array("COUNT".utf8), pick(Self.bytes(["0", "1", "2", "-1"]))] }
            if chance(20) { arguments += [Array("MAXLEN".utf8), pick(Self.bytes(["0", "1", "3", "-1"]))] }
            return arguments
        case .lset: return [name("LSET"), listKey(), range(), element()]
        case .ltrim: return [name("LTRIM"), listKey(), range(), range()]
        case .lrem: return [name("LREM"), listKey(), Array(String(below(5) - 2).utf8), element()]
        case .linsert:
            let place = chance(95) ? pick(Self.bytes(["BEFORE", "AFTER", "after"])) : Array("AROUND".utf8)
            return [name("LINSERT"), listKey(), place, element(), element()]
        case .sadd: return [name("SADD"), setKey()] + (0...below(3)).map { _ in member() }
        case .srem: return [name("SREM"), setKey()] + (0...below(2)).map { _ in member() }
        case .smembers: return [name("SMEMBERS"), setKey()]
        case .sismember: return [name("SISMEMBER"), setKey(), member()]
        case .smismember: return [name("SMISMEMBER"), setKey()] + (0...below(3)).map { _ in member() }
        case .scard: return [name("SCARD"), setKey()]
        case .spop:
            // Only forms whose answer is forced: no count (on a set of one, or
            // none), or a count that takes the whole set.
            return chance(50) ? [name("SPOP"), setKey(), Array("1000".utf8)]
                : [name("SPOP"), setKey(), pick(Self.bytes(["0", "-1", "x"]))]
        case .srandmember:
            return [name("SRANDMEMBER"), setKey(), pick(Self.bytes(["1000", "0", "x", "-9223372036854775808"]))]
        case .smove: return [name("SMOVE"), setKey(), setKey(), member()]
        case .sinter: return [name("SINTER")] + (0...below(3)).map { _ in setKey() }
        case .sunion: return [name("SUNION")] + (0...below(3)).map { _ in setKey() }
        case .sdiff: return [name("SDIFF")] + (0...below(3)).map { _ in setKey() }
        case .sinterstore: return [name("SINTERSTORE"), setKey()] + (0...below(2)).map { _ in setKey() }
        case .sunionstore: return [name("SUNIONSTORE"), setKey()] + (0...below(2)).map { _ in setKey() }
        case .sdiffstore: return [name("SDIFFSTORE"), setKey()] + (0...below(2)).map { _ in setKey() }
        case .sintercard:
            let keys = (0...below(2)).map { _ in setKey() }
            var arguments = [name("SINTERCARD"), Array(String(keys.count).utf8)] + keys
            if chance(40) { arguments += [Array("LIMIT".utf8), pick(Self.bytes(["0", "1", "2", "-1"]))] }
            return arguments
        case .sscan: return [name("SSCAN"), setKey(), Array("0".utf8), Array("COUNT".utf8), Array("1000".utf8)]
        case .zadd:
            var arguments = [name("ZADD"), zsetKey()]
            if chance(30) { arguments.append(pick(Self.bytes(["NX", "XX", "GT", "LT", "CH", "INCR", "gt"]))) }
            if chance(10) { arguments.append(pick(Self.bytes(["CH", "XX", "NX"]))) }
            return arguments + (0...below(2)).flatMap { _ in [score(), member()] }
        case .zincrby: return [name("ZINCRBY"), zsetKey(), score(), member()]
        case .zscore: return [name("ZSCORE"), zsetKey(), member()]
        case .zmscore: return [name("ZMSCORE"), zsetKey()] + (0...below(3)).map { _ in member() }
        case .zcard: return [name("ZCARD"), zsetKey()]
        case .zrank: return [name("ZRANK"), zsetKey(), member()]
        case .zrevrank: return [name("ZREVRANK"), zsetKey(), member()]
        case .zrem: return [name("ZREM"), zsetKey()] + (0...below(2)).map { _ in member() }
        case .zpopmin, .zpopmax:
            var arguments = [name(kind == .zpopmin ? "ZPOPMIN" : "ZPOPMAX"), zsetKey()]
            if chance(40) { arguments.append(chance(85) ? Array(String(below(4)).utf8) : integerArgument()) }
            return arguments
        case .zmpop:
            let keys = (0...below(2)).map { _ in zsetKey() }
            var arguments = [name("ZMPOP"), Array(String(keys.count).utf8)] + keys + [pick(Self.bytes(["MIN", "MAX", "max", "MID"]))]
            if chance(40) { arguments += [Array("COUNT".utf8), chance(85) ? Array(String(below(4) + 1).utf8) : integerArgument()] }
            return arguments
        case .zrange:
            var arguments = [name("ZRANGE"), zsetKey()]
            switch below(3) {
            case 0: arguments += [range(), range()]
            case 1: arguments += [scoreBound(), scoreBound(), Array("BYSCORE".utf8)]
            default: arguments += [lexBound(), lexBound(), Array("BYLEX".utf8)]
            }
            if chance(30) { arguments.append(Array("REV".utf8)) }
            if chance(30) { arguments += [Array("LIMIT".utf8), pick(Self.bytes(["0", "1", "-1"])), pick(Self.bytes(["1", "2", "-1", "0"]))] }
            if chance(40) { arguments.append(Array("WITHSCORES".utf8)) }
            return arguments
        case .zrangebyscore, .zrevrangebyscore:
            var arguments = [name(kind == .zrangebyscore ? "ZRANGEBYSCORE" : "ZREVRANGEBYSCORE"), zsetKey(), scoreBound(), scoreBound()]
            if chance(40) { arguments.append(Array("WITHSCORES".utf8)) }
            if chance(20) { arguments += [Array("LIMIT".utf8), pick(Self.bytes(["0", "1"])), pick(Self.bytes(["1", "-1"]))] }
            return arguments
        case .zrangebylex: return [name(chance(50) ? "ZRANGEBYLEX" : "ZREVRANGEBYLEX"), zsetKey(), lexBound(), lexBound()]
        case .zcount: return [name("ZCOUNT"), zsetKey(), scoreBound(), scoreBound()]
        case .zlexcount: return [name("ZLEXCOUNT"), zsetKey(), lexBound(), lexBound()]
        case .zremrangebyrank: return [name("ZREMRANGEBYRANK"), zsetKey(), range(), range()]
        case .zremrangebyscore: return [name("ZREMRANGEBYSCORE"), zsetKey(), scoreBound(), scoreBound()]
        case .zremrangebylex: return [name("ZREMRANGEBYLEX"), zsetKey(), lexBound(), lexBound()]
        case .zrangestore: return [name("ZRANGESTORE"), zsetKey(), zsetKey(), range(), range()]
        case .zunion, .zinter, .zdiff, .zunionstore, .zinterstore, .zintercard:
            return combineCommand(kind)
        case .zscan: return [name("ZSCAN"), zsetKey(), Array("0".utf8), Array("COUNT".utf8), Array("1000".utf8)]
        case .zrandmember:
            var arguments = [name("ZRANDMEMBER"), zsetKey(), pick(Self.bytes(["1000", "0", "x"]))]
            if chance(50) { arguments.append(Array("WITHSCORES".utf8)) }
            return arguments
        case .del: return [name("DEL")] + (0...below(3)).map { _ in key() }
        case .unlink: return [name("UNLINK")] + (0...below(2)).map { _ in key() }
        case .exists: return [name("EXISTS")] + (0...below(3)).map { _ in key() }
        case .touch: return [name("TOUCH")] + (0...below(2)).map { _ in key() }
        case .type: return [name("TYPE"), key()]
        case .rename: return [name("RENAME"), key(), key()]
        case .renamenx: return [name("RENAMENX"), key(), key()]
        case .copy:
            var arguments = [name("COPY"), key(), key()]
            if chance(40) { arguments += [Array("DB".utf8), chance(90) ? select() : Array("99".utf8)] }
            if chance(40) { arguments.append(Array("REPLACE".utf8)) }
            return arguments
        case .move: return [name("MOVE"), key(), chance(95) ? select() : Array("99".utf8)]
        case .persist: return [name("PERSIST"), key()]
        case .expire: return relativeExpire("EXPIRE", Self.relativeSeconds)
        case .pexpire: return relativeExpire("PEXPIRE", Self.relativeMilliseconds)
        case .expireat: return absoluteExpire("EXPIREAT", milliseconds: false)
        case .pexpireat: return absoluteExpire("PEXPIREAT", milliseconds: true)
        case .ttl: return [name("TTL"), key()]
        case .pttl: return [name("PTTL"), key()]
        case .expiretime: return [name("EXPIRETIME"), key()]
        case .pexpiretime: return [name("PEXPIRETIME"), key()]
        case .keys: return [name("KEYS"), pick(Self.bytes(["*", "k*", "h?", "[kh]0", "*1", "\\*", "nomatch"]))]
        case .scan:
            var arguments = Self.bytes(["SCAN", "0", "COUNT", "1000"])
            if chance(30) { arguments += Self.bytes(["MATCH", pick(["k*", "h*", "*"])]) }
            if chance(30) { arguments += Self.bytes(["TYPE", pick(["string", "hash", "list", "set", "zset"])]) }
            return arguments
        case .dbsize: return [name("DBSIZE")]
        case .objectEncoding:
            let target = key()
            if session.inMulti { return [name("TYPE"), target] }
            guard let database = session.database, !historyEncoded.contains(DatabaseKey(database: database, key: target)) else {
                return [name("STRLEN"), target]
            }
            return [name("OBJECT"), Array("ENCODING".utf8), target]
        // Not while a WATCH is pending: Corpus/random_found.txt case 3.
        case .flushdb where sessions.contains(where: \.watching), .flushall where sessions.contains(where: \.watching):
            return [name("DBSIZE")]
        case .flushdb: return [name("FLUSHDB")]
        case .flushall: return [name("FLUSHALL")]
        case .ping: return chance(50) ? [name("PING")] : [name("PING"), value()]
        case .echo: return [name("ECHO"), value()]
        case .wrongArity:
            return pick([
                [name("GET")], [name("SET"), key()], [name("INCRBY"), key()], [name("HGET"), hashKey()],
                [name("HSET"), hashKey(), field()], [name("GETRANGE"), key(), Array("0".utf8)],
                [name("MSET"), key()], [name("RENAME"), key()], [name("EXPIRE"), key()],
            ])
        }
    }

    /// ZUNION, ZINTER, ZDIFF, ZUNIONSTORE, ZINTERSTORE and ZINTERCARD over
    /// sorted sets and sets (both are inputs), with their options.
    private mutating func combineCommand(_ kind: Kind) -> [[UInt8]] {
        let command: String
        switch kind {
        case .zunion: command = "ZUNION"
        case .zinter: command = "ZINTER"
        case .zdiff: command = "ZDIFF"
        case .zunionstore: command = "ZUNIONSTORE"
        case .zinterstore: command = "ZINTERSTORE"
        default: command = "ZINTERCARD"
        }
        let keys = (0...below(2)).map { _ in chance(80) ? zsetKey() : setKey() }
        var arguments = [name(command)]
        if command.hasSuffix("STORE") { arguments.append(zsetKey()) }
        arguments += [Array(String(keys.count).utf8)] + keys
        if command == "ZINTERCARD" {
            if chance(40) { arguments += [Array("LIMIT".utf8), pick(Self.bytes(["0", "1", "-1"]))] }
            return arguments
        }
        if command != "ZDIFF" {
            if chance(30) { arguments += [Array("WEIGHTS".utf8)] + keys.map { _ in pick(Self.bytes(["1", "2", "0", "-1", "0.5", "inf", "x"])) } }
            if chance(30) { arguments += [Array("AGGREGATE".utf8), pick(Self.bytes(["SUM", "MIN", "MAX", "AVG"]))] }
        }
        if !command.hasSuffix("STORE") && chance(50) { arguments.append(Array("WITHSCORES".utf8)) }
        return arguments
    }

    private mutating func setCommand() -> [[UInt8]] {
        var arguments = [name("SET"), key(), value()]
        var options: [[[UInt8]]] = []
        switch below(100) {
        case 0..<20: options.append([Array("NX".utf8)])
        case 20..<35: options.append([Array("XX".utf8)])
        default: break
        }
        if chance(15) { options.append([Array("GET".utf8)]) }
        switch below(100) {
        case 0..<15: options.append([Array("EX".utf8), pick(Self.relativeSeconds)])
        case 15..<23: options.append([Array("PX".utf8), pick(Self.relativeMilliseconds)])
        case 23..<31: options.append([Array("EXAT".utf8), absoluteTime(milliseconds: false, past: false)])
        case 31..<36: options.append([Array("PXAT".utf8), absoluteTime(milliseconds: true, past: false)])
        case 36..<44: options.append([Array("KEEPTTL".utf8)])
        default: break
        }
        if chance(4) {
            options.append(pick([
                Self.bytes(["EX", "0"]), Self.bytes(["EX", "-5"]), Self.bytes(["EX", "abc"]), Self.bytes(["PX", "0"]),
                Self.bytes(["NX"]), Self.bytes(["KEEPTTL"]), Self.bytes(["EX", "1000"]), Self.bytes(["BOGUS"]),
                Self.bytes(["EX"]), Self.bytes(["EX", "9223372036854775807"]),
            ]))
        }
        if chance(30) { options.reverse() }
        for option in options {
            arguments += chance(10) ? option.map { Array(String(decoding: $0, as: UTF8.self).lowercased().utf8) } : option
        }
        return arguments
    }

    private mutating func getexCommand() -> [[UInt8]] {
        var arguments = [name("GETEX"), key()]
        switch below(100) {
        case 0..<30: break
        case 30..<45: arguments += [Array("EX".utf8), pick(Self.relativeSeconds)]
        case 45..<55: arguments += [Array("PX".utf8), pick(Self.relativeMilliseconds)]
        case 55..<65: arguments += [Array("EXAT".utf8), absoluteTime(milliseconds: false)]
        case 65..<72: arguments += [Array("PXAT".utf8), absoluteTime(milliseconds: true)]
        case 72..<90: arguments.append(Array("PERSIST".utf8))
        default:
            arguments += pick([
                Self.bytes(["EX", "0"]), Self.bytes(["EX", "1000", "PERSIST"]), Self.bytes(["KEEPTTL"]),
                Self.bytes(["EX"]), Self.bytes(["PX", "-1"]), Self.bytes(["EX", "1000", "PX", "1000000"]),
            ])
        }
        return arguments
    }

    /// EXPIRE/PEXPIRE with a relative time: NX or XX only (see the type's notes on GT/LT).
    private mutating func relativeExpire(_ command: String, _ times: [[UInt8]]) -> [[UInt8]] {
        let time = chance(94) ? pick(times) : pick(Self.bytes(["0", "-1", "abc", "9223372036854775807"]))
        var arguments = [name(command), key(), time]
        switch below(100) {
        case 0..<20: arguments.append(Array("NX".utf8))
        case 20..<40: arguments.append(Array("XX".utf8))
        case 40..<43: arguments += Self.bytes(["NX", "XX"])
        case 43..<45: arguments.append(Array("BOGUS".utf8))
        default: break
        }
        return arguments
    }

    private mutating func absoluteExpire(_ command: String, milliseconds: Bool) -> [[UInt8]] {
        var arguments = [name(command), key(), absoluteTime(milliseconds: milliseconds)]
        switch below(100) {
        case 0..<15: arguments.append(Array("NX".utf8))
        case 15..<30: arguments.append(Array("XX".utf8))
        case 30..<50: arguments.append(Array("GT".utf8))
        case 50..<70: arguments.append(Array("LT".utf8))
        case 70..<73: arguments += Self.bytes(["GT", "LT"])
        case 73..<75: arguments += Self.bytes(["NX", "GT"])
        default: break
        }
        return arguments
    }

    // MARK: - The model behind OBJECT ENCODING

    /// Follows MULTI and the selected database per connection, and where a
    /// value with an encoding history may be. A queued command counts when it
    /// is queued and again at EXEC, when it runs (another connection may have
    /// cleared the key in between), and only ever adds: the transaction may abort.
    private mutating func apply(_ connection: Int, _ arguments: [[UInt8]]) {
        let command = String(decoding: arguments[0], as: UTF8.self).uppercased()
        if sessions[connection].inMulti {
            switch command {
            case "EXEC", "DISCARD":
                let queued = sessions[connection].queued
                sessions[connection].inMulti = false
                sessions[connection].watching = false
                sessions[connection].queued = []
                if command == "EXEC" {
                    for entry in queued { noteEncoding(entry.command, entry.arguments, database: entry.database, certain: false) }
                }
            case "SELECT": sessions[connection].database = nil
            default:
                sessions[connection].queued.append((command, arguments, sessions[connection].database))
                noteEncoding(command, arguments, database: sessions[connection].database, certain: false)
            }
            return
        }
        switch command {
        case "MULTI": sessions[connection].inMulti = true
        case "WATCH" where arguments.count > 1: sessions[connection].watching = true
        case "UNWATCH": sessions[connection].watching = false
        case "SELECT":
            if let database = Int(String(decoding: arguments[1], as: UTF8.self)), (0..<16).contains(database) {
                sessions[connection].database = database
            }
        default: noteEncoding(command, arguments, database: sessions[connection].database, certain: true)
        }
    }

    private mutating func noteEncoding(_ command: String, _ arguments: [[UInt8]], database: Int?, certain: Bool) {
        let databases = database.map { [$0] } ?? [0, 1]
        func hasHistory(_ database: Int, _ key: [UInt8]) -> Bool { historyEncoded.contains(DatabaseKey(database: database, key: key)) }
        switch command {
        case "APPEND", "SETRANGE", "HINCRBYFLOAT", "INCRBYFLOAT":
            guard arguments.count >= 2 else { return }
            for database in databases { historyEncoded.insert(DatabaseKey(database: database, key: arguments[1])) }
            return
        // A set or sorted set remembers having been a hashtable or skiplist:
        // every key any of their commands names is left out of OBJECT ENCODING.
        case _ where command.first == "S" && command != "SET" && command != "SETEX" && command != "SETNX"
                  && command != "SETRANGE" && command != "STRLEN" && command != "SUBSTR" && command != "SELECT"
                  && command != "SCAN",
             _ where command.first == "Z":
            for database in databases {
                for key in arguments.dropFirst() { historyEncoded.insert(DatabaseKey(database: database, key: key)) }
            }
            return
        case "RENAME", "RENAMENX":
            guard arguments.count >= 3 else { return }
            for database in databases where hasHistory(database, arguments[1]) {
                historyEncoded.insert(DatabaseKey(database: database, key: arguments[2]))
            }
            return
        case "COPY":
            guard arguments.count >= 3 else { return }
            var target: Int?
            if let index = arguments.firstIndex(of: Array("DB".utf8)), index + 1 < arguments.count {
                target = Int(String(decoding: arguments[index + 1], as: UTF8.self))
            }
            for database in databases where hasHistory(database, arguments[1]) {
                historyEncoded.insert(DatabaseKey(database: target ?? database, key: arguments[2]))
            }
            return
        case "MOVE":
            guard arguments.count >= 3, let target = Int(String(decoding: arguments[2], as: UTF8.self)) else { return }
            for database in databases where hasHistory(database, arguments[1]) {
                historyEncoded.insert(DatabaseKey(database: target, key: arguments[1]))
            }
            return
        default: break
        }
        guard certain else { return }
        if command == "FLUSHALL" { historyEncoded.removeAll(); return }
        guard let database else { return }
        switch command {
        // Not GETSET or GETDEL: on a hash they fail and leave it as it was.
        case "SET" where arguments.count == 3:
            historyEncoded.remove(DatabaseKey(database: database, key: arguments[1]))
        case "DEL", "UNLINK":
            for key in arguments.dropFirst() { historyEncoded.remove(DatabaseKey(database: database, key: key)) }
        case "FLUSHDB":
            historyEncoded = historyEncoded.filter { $0.database != database }
        default: break
        }
    }
}
