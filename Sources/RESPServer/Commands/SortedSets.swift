import RESP
import Store

/// Sorted-set commands, as Redis's t_zset.c: adding, reading, removing,
/// popping, random members and ZSCAN here; the ZRANGE family in
/// SortedSets+Ranges.swift, ZUNION and its kin in SortedSets+Combine.swift,
/// argument parsing in SortedSets+Arguments.swift.
enum SortedSetCommands {
    /// How a reply lists members: alone, followed by their scores in one
    /// flat array (RESP2 WITHSCORES, and ZPOPMIN without a count), or as
    /// [member, score] pairs (RESP3 WITHSCORES).
    enum Layout {
        case members, flat, pairs
    }

    /// The live sorted set at argument `index`, nil when absent; WRONGTYPE otherwise.
    static func existing(_ c: inout CommandContext, _ index: Int = 1) throws -> Int64? {
        try c.with(index) { try c.keyspace.zsetID(db: c.db, key: $0, now: c.now, create: false) }
    }

    /// The layout WITHSCORES asks for in the client's protocol.
    static func withScoresLayout(_ c: CommandContext) -> Layout {
        c.client.protocolVersion == .resp3 ? .pairs : .flat
    }

    static func reply(_ c: inout CommandContext, _ entries: [ScoredMember], _ layout: Layout) {
        c.client.reply.arrayHeader(layout == .flat ? entries.count * 2 : entries.count)
        for entry in entries {
            if layout == .pairs { c.client.reply.arrayHeader(2) }
            c.client.reply.bulk(entry.member)
            if layout != .members { c.client.reply.double(entry.score) }
        }
    }

    // MARK: Adding

    /// ZADD's flags (Redis's ZADD_IN_*).
    private struct AddOptions {
        var nx = false, xx = false, gt = false, lt = false, ch = false, incr = false

        /// Takes argument `index` when it is a flag; false at the first score.
        mutating func take(_ c: CommandContext, _ index: Int) -> Bool {
            if c.isOption(index, "nx") { nx = true }
            else if c.isOption(index, "xx") { xx = true }
            else if c.isOption(index, "gt") { gt = true }
            else if c.isOption(index, "lt") { lt = true }
            else if c.isOption(index, "ch") { ch = true }
            else if c.isOption(index, "incr") { incr = true }
            else { return false }
            return true
        }

        /// Redis's checks, in its order, once the flags and the element count are known.
        func validate(elements: Int) throws {
            guard elements > 0, elements % 2 == 0 else { throw RedisError.syntax }
            if nx && xx { throw RedisError.custom("ERR XX and NX options at the same time are not compatible") }
            if (gt && nx) || (lt && nx) || (gt && lt) {
                throw RedisError.custom("ERR GT, LT, and/or NX options at the same time are not compatible")
            }
            if incr && elements > 2 { throw RedisError.custom("ERR INCR option supports a single increment-element pair") }
        }
    }

    /// What ZADD did: the counts of its reply, and the score INCR answers.
    private struct AddOutcome {
        var added: Int64 = 0
        var updated: Int64 = 0
        /// Elements not skipped by NX, XX, GT or LT; INCR answers nil when 0.
        var processed = 0
        var score = 0.0
    }

    /// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
    static func zadd(_ c: inout CommandContext) throws {
        var options = AddOptions()
        var index = 2
        while index < c.count, options.take(c, index) { index += 1 }
        try options.validate(elements: c.count - index)
        // Every score is checked before anything is written.
        let pairs = try stride(from: index, to: c.count, by: 2).map { position in
            guard let score = c.with(position, { RedisFloat.parseDouble($0) }) else { throw RedisError.notFloat }
            return (score: score, member: position + 1)
        }
        let outcome = try add(&c, options, pairs)
        if options.incr {
            if outcome.processed > 0 { c.client.reply.double(outcome.score) } else { c.client.reply.null() }
        } else {
            c.client.reply.integer(options.ch ? outcome.added + outcome.updated : outcome.added)
        }
    }

    /// ZINCRBY key increment member: ZADD INCR without flags.
    static func zincrby(_ c: inout CommandContext) throws {
        guard let increment = c.with(2, { RedisFloat.parseDouble($0) }) else { throw RedisError.notFloat }
        var options = AddOptions()
        options.incr = true
        c.client.reply.double(try add(&c, options, [(increment, 3)]).score)
    }

    /// Applies ZADD's pairs in order (Redis's `zsetAdd` for each).
    private static func add(_ c: inout CommandContext, _ options: AddOptions,
                            _ pairs: [(score: Double, member: Int)]) throws -> AddOutcome {
        var outcome = AddOutcome()
        // XX never creates the key.
        guard let id = try c.with(1, { try c.keyspace.zsetID(db: c.db, key: $0, now: c.now, create: !options.xx) }) else {
            return outcome
        }
        for pair in pairs {
            try c.with(1) { key in try c.with(pair.member) { member in
                try add(&c, key: key, id: id, member: member, score: pair.score, options, &outcome)
            } }
        }
        return outcome
    }

    /// One element of ZADD.
    private static func add(_ c: inout CommandContext, key: UnsafeRawBufferPointer, id: Int64, member: UnsafeRawBufferPointer,
                            score: Double, _ options: AddOptions, _ outcome: inout AddOutcome) throws {
        guard let current = try c.keyspace.zsetScore(id: id, member: member) else {
            guard !options.xx else { return }
            try c.keyspace.setZsetScore(db: c.db, key: key, id: id, member: member, score: score)
            outcome.added += 1
            outcome.processed += 1
            outcome.score = score
            return
        }
        guard !options.nx else { return }
        var score = score
        if options.incr {
            score += current
            if score.isNaN { throw RedisError.custom("ERR resulting score is not a number (NaN)") }
        }
        if (options.lt && score >= current) || (options.gt && score <= current) { return }
        outcome.processed += 1
        outcome.score = score
        if score != current {
            try c.keyspace.setZsetScore(db: c.db, key: key, id: id, member: member, score: score)
            outcome.updated += 1
        }
    }

    // MARK: Reading members

    static func zscore(_ c: inout CommandContext) throws {
        guard let id = try existing(&c),
              let score = try c.with(2, { try c.keyspace.zsetScore(id: id, member: $0) }) else { return c.client.reply.null() }
        c.client.reply.double(score)
    }

    static func zmscore(_ c: inout CommandContext) throws {
        let id = try existing(&c)
        c.client.reply.arrayHeader(c.count - 2)
        for index in 2..<c.count {
            if let id, let score = try c.with(index, { try c.keyspace.zsetScore(id: id, member: $0) }) {
                c.client.reply.double(score)
            } else {
                c.client.reply.null()
            }
        }
    }

    static func zcard(_ c: inout CommandContext) throws {
        c.client.reply.integer(Int64(try existing(&c).map { try c.keyspace.zsetLength(id: $0) } ?? 0))
    }

    static func zrank(_ c: inout CommandContext) throws { try rank(&c, reverse: false) }
    static func zrevrank(_ c: inout CommandContext) throws { try rank(&c, reverse: true) }

    private static func rank(_ c: inout CommandContext, reverse: Bool) throws {
        guard let id = try existing(&c),
              let rank = try c.with(2, { try c.keyspace.zsetRank(id: id, member: $0, reverse: reverse) }) else {
            return c.client.reply.null()
        }
        c.client.reply.integer(Int64(rank))
    }

    // MARK: Removing

    static func zrem(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        var removed: Int64 = 0
        for index in 2..<c.count
        where try c.with(1, { k in try c.with(index) { m in try c.keyspace.removeZsetMember(db: c.db, key: k, id: id, member: m) } }) {
            removed += 1
        }
        c.client.reply.integer(removed)
    }

    static func zpopmin(_ c: inout CommandContext) throws { try pop(&c, highest: false) }
    static func zpopmax(_ c: inout CommandContext) throws { try pop(&c, highest: true) }

    /// ZPOPMIN/ZPOPMAX key [count]: a flat array, except RESP3 with a count
    /// (pairs), as Redis 7.0 answers.
    private static func pop(_ c: inout CommandContext, highest: Bool) throws {
        guard c.count <= 3 else { throw RedisError.syntax }
        let count = c.count == 3 ? try c.integer(2, in: 0...Int64.max, message: "value is out of range, must be positive") : nil
        guard let id = try existing(&c), count != 0 else { return c.client.reply.arrayHeader(0) }
        let popped = try c.with(1) {
            try c.keyspace.popZset(db: c.db, key: $0, id: id, count: Int(count ?? 1), highest: highest)
        }
        reply(&c, popped, count != nil && c.client.protocolVersion == .resp3 ? .pairs : .flat)
    }

    /// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first
    /// non-empty sorted set and answers [key, [[member, score], ...]], or a
    /// null array. Arguments are checked in Redis's order before any key.
    static func zmpop(_ c: inout CommandContext) throws {
        let arguments = try MultiPopArguments(c, directions: ("min", "max"))
        for keyIndex in arguments.keys {
            guard let id = try existing(&c, keyIndex) else { continue }
            let popped = try c.with(keyIndex) {
                try c.keyspace.popZset(db: c.db, key: $0, id: id, count: arguments.popCount, highest: arguments.fromSecondEnd)
            }
            c.client.reply.arrayHeader(2)
            c.client.reply.bulk(c.bytes(keyIndex))
            return reply(&c, popped, .pairs)
        }
        c.client.reply.nullArray()
    }

    static func zremrangebyrank(_ c: inout CommandContext) throws {
        let start = try c.integer(2), end = try c.integer(3)
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        guard let ranks = try ranks(&c, id: id, start: start, end: end) else { return c.client.reply.integer(0) }
        let removed = try c.with(1) {
            try c.keyspace.removeZsetRange(db: c.db, key: $0, id: id, start: ranks.lowerBound, count: ranks.count)
        }
        c.client.reply.integer(Int64(removed))
    }

    static func zremrangebyscore(_ c: inout CommandContext) throws {
        let range = try scoreRange(c, 2, 3)
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        let removed = try c.with(1) { try c.keyspace.removeZsetRange(db: c.db, key: $0, id: id, scores: range) }
        c.client.reply.integer(Int64(removed))
    }

    static func zremrangebylex(_ c: inout CommandContext) throws {
        let range = try lexRange(c, 2, 3)
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        let removed = try c.with(1) { try c.keyspace.removeZsetRange(db: c.db, key: $0, id: id, lex: range) }
        c.client.reply.integer(Int64(removed))
    }

    // MARK: Counting

    static func zcount(_ c: inout CommandContext) throws {
        let range = try scoreRange(c, 2, 3)
        c.client.reply.integer(Int64(try existing(&c).map { try c.keyspace.zsetCount(id: $0, scores: range) } ?? 0))
    }

    static func zlexcount(_ c: inout CommandContext) throws {
        let range = try lexRange(c, 2, 3)
        c.client.reply.integer(Int64(try existing(&c).map { try c.keyspace.zsetCount(id: $0, lex: range) } ?? 0))
    }

    // MARK: Random members and scanning

    /// ZRANDMEMBER key [count [WITHSCORES]]
    static func zrandmember(_ c: inout CommandContext) throws {
        guard c.count >= 3 else {
            // One member: a random rank below the stored length.
            guard let id = try existing(&c) else { return c.client.reply.null() }
            let length = try c.keyspace.zsetLength(id: id)
            let pick = try c.keyspace.zsetRange(id: id, start: Int.random(in: 0..<max(length, 1)), count: 1, reverse: false)
            if let pick = pick.first { c.client.reply.bulk(pick.member) } else { c.client.reply.null() }
            return
        }
        let count = try c.integer(2, in: -Int64.max...Int64.max)
        guard c.count == 3 || (c.count == 4 && c.isOption(3, "withscores")) else { throw RedisError.syntax }
        let withScores = c.count == 4
        // Redis bounds the count so that doubling it for WITHSCORES cannot overflow.
        if withScores && (count < -Int64.max / 2 || count > Int64.max / 2) {
            throw RedisError.custom("ERR value is out of range")
        }
        guard let id = try existing(&c), count != 0 else { return c.client.reply.arrayHeader(0) }
        let members = try c.keyspace.zsetMembers(id: id)
        reply(&c, randomPicks(members, count: count), withScores ? withScoresLayout(c) : .members)
    }

    /// Redis's choice for a count: repeats allowed when negative, and the
    /// whole set in order when the count covers it.
    private static func randomPicks(_ members: [ScoredMember], count: Int64) -> [ScoredMember] {
        if count < 0 || count == 1 {
            return (0..<Int(min(count.magnitude, 1 << 24))).compactMap { _ in members.randomElement() }
        }
        // The whole set comes from the highest score down, as Redis 7.0 walks it.
        if count >= Int64(members.count) { return members.reversed() }
        return Array(members.shuffled().prefix(Int(count)))
    }

    /// ZSCAN key cursor [MATCH pattern] [COUNT count]: cursor, key, then
    /// options, in Redis's order.
    static func zscan(_ c: inout CommandContext) throws {
        let cursor = try ScanArguments.cursor(c, 2)
        guard let id = try existing(&c) else { return ScanArguments.reply(&c, next: 0, count: 0) { _ in } }
        let options = try ScanArguments.options(c, from: 3)
        var next: Int64 = 0
        var entries: [ScoredMember] = []
        let listpack = try c.keyspace.zsetEncoding(id: id) == "listpack"
        if listpack {
            // Redis returns a listpack sorted set whole, in one call.
            entries = try c.keyspace.zsetMembers(id: id)
        } else if cursor <= UInt64(Int64.max) {
            (next, entries) = try c.keyspace.zsetScan(id: id, cursor: Int64(cursor), count: options.count)
        }
        entries = entries.filter { options.matches($0.member) }
        ScanArguments.reply(&c, next: next, count: entries.count * 2) { c in
            for entry in entries {
                c.client.reply.bulk(entry.member)
                replyScanScore(&c, entry.score, listpack: listpack)
            }
        }
    }

    /// A score as ZSCAN prints it: from a skiplist `%.17g`; from a listpack
    /// the text Redis stored there (`d2string`), which prints a whole number
    /// within ±LLONG_MAX/2 as an integer (`1e17` → `100000000000000000`).
    private static func replyScanScore(_ c: inout CommandContext, _ score: Double, listpack: Bool) {
        let half = Double(Int64.max / 2)
        if listpack, score != 0, score.rounded(.towardZero) == score, score >= -half, score <= half {
            return c.client.reply.bulk(String(Int64(score)))
        }
        DoubleFormatter.withG17(score) { c.client.reply.bulk($0) }
    }
}
