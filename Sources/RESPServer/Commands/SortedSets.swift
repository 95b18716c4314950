#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import RESP
import Store

/// Sorted-set commands, as Redis's t_zset.c.
enum SortedSetCommands {
    /// How a reply lists members: alone, followed by their scores in one
    /// flat array (RESP2 WITHSCORES, and ZPOPMIN without a count), or as
    /// [member, score] pairs (RESP3 WITHSCORES).
    private enum Layout {
        case members, flat, pairs
    }

    /// The live sorted set at argument `index`, nil when absent; WRONGTYPE otherwise.
    private static func existing(_ c: inout CommandContext, _ index: Int = 1) throws -> Int64? {
        try c.with(index) { try c.keyspace.zsetID(db: c.db, key: $0, now: c.now, create: false) }
    }

    /// The layout WITHSCORES asks for in the client's protocol.
    private static func withScoresLayout(_ c: CommandContext) -> Layout {
        c.client.protocolVersion == .resp3 ? .pairs : .flat
    }

    private static func reply(_ c: inout CommandContext, _ entries: [ScoredMember], _ layout: Layout) {
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
            guard let score = c.with(position, { parseScore($0) }) else { throw RedisError.notFloat }
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
        guard let increment = c.with(2, { parseScore($0) }) else { throw RedisError.notFloat }
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
                c.client.reply.bulk(scanScore(entry.score, listpack: listpack))
            }
        }
    }

    // MARK: Ranges

    /// How ZRANGE reads its min and max (Redis's `zrange_type`).
    private enum RangeKind {
        case rank, score, lex
    }

    /// A parsed range of any kind.
    private enum RangeQuery {
        case rank(start: Int64, end: Int64)
        case score(ScoreRange)
        case lex(LexRange)
    }

    /// ZRANGE's options, each nil or default until given.
    private struct RangeOptions {
        var kind: RangeKind?
        var reverse: Bool?
        var withScores = false
        var offset: Int64 = 0
        /// -1 means no LIMIT, so Redis takes `LIMIT 0 -1` with a rank range.
        var limit: Int64 = -1
    }

    static func zrange(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: nil, reverse: nil) }
    static func zrevrange(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .rank, reverse: true) }
    static func zrangebyscore(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .score, reverse: false) }
    static func zrevrangebyscore(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .score, reverse: true) }
    static func zrangebylex(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .lex, reverse: false) }
    static func zrevrangebylex(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .lex, reverse: true) }
    /// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
    static func zrangestore(_ c: inout CommandContext) throws { try range(&c, keyIndex: 2, storing: true, kind: nil, reverse: nil) }

    /// Redis's `zrangeGenericCommand`: the source key is at `keyIndex`, its
    /// min and max follow; a fixed `kind` or `reverse` makes that option a
    /// syntax error. Errors come in Redis's order: options, conflicts, the
    /// range, then the key's type.
    private static func range(_ c: inout CommandContext, keyIndex: Int, storing: Bool, kind: RangeKind?, reverse: Bool?) throws {
        var options = RangeOptions(kind: kind, reverse: reverse)
        try readRangeOptions(c, from: keyIndex + 3, storing: storing, into: &options)
        let kind = options.kind ?? .rank, reverse = options.reverse ?? false
        if options.limit != -1 && kind == .rank {
            throw RedisError.custom("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
        }
        if options.withScores && kind == .lex {
            throw RedisError.custom("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
        }
        // By score or lex, REV takes the range as max then min.
        let swapped = reverse && kind != .rank
        let (minIndex, maxIndex) = swapped ? (keyIndex + 2, keyIndex + 1) : (keyIndex + 1, keyIndex + 2)
        let query: RangeQuery
        switch kind {
        case .rank: query = .rank(start: try c.integer(minIndex), end: try c.integer(maxIndex))
        case .score: query = .score(try scoreRange(c, minIndex, maxIndex))
        case .lex: query = .lex(try lexRange(c, minIndex, maxIndex))
        }
        let id = try existing(&c, keyIndex)
        let entries = try id.map { try members(&c, id: $0, query, reverse: reverse, options) } ?? []
        if storing {
            try c.with(1) { try c.keyspace.storeZset(db: c.db, key: $0, now: c.now, members: entries) }
            c.client.reply.integer(Int64(entries.count))
        } else {
            reply(&c, entries, options.withScores ? withScoresLayout(c) : .members)
        }
    }

    /// Reads ZRANGE's options from argument `index` on.
    private static func readRangeOptions(_ c: CommandContext, from index: Int, storing: Bool,
                                         into options: inout RangeOptions) throws {
        var index = index
        while index < c.count {
            if !storing && c.isOption(index, "withscores") {
                options.withScores = true
            } else if c.isOption(index, "limit") && c.count - index - 1 >= 2 {
                options.offset = try c.integer(index + 1)
                options.limit = try c.integer(index + 2)
                index += 2
            } else if options.reverse == nil && c.isOption(index, "rev") {
                options.reverse = true
            } else if options.kind == nil && c.isOption(index, "bylex") {
                options.kind = .lex
            } else if options.kind == nil && c.isOption(index, "byscore") {
                options.kind = .score
            } else {
                throw RedisError.syntax
            }
            index += 1
        }
    }

    /// The members a parsed range selects in the sorted set `id`.
    private static func members(_ c: inout CommandContext, id: Int64, _ query: RangeQuery, reverse: Bool,
                                _ options: RangeOptions) throws -> [ScoredMember] {
        switch query {
        case .rank(let start, let end):
            guard let ranks = try ranks(&c, id: id, start: start, end: end) else { return [] }
            return try c.keyspace.zsetRange(id: id, start: ranks.lowerBound, count: ranks.count, reverse: reverse)
        case .score(let range):
            return try c.keyspace.zsetRange(id: id, scores: range, reverse: reverse, offset: Int(options.offset),
                                            limit: Int(options.limit))
        case .lex(let range):
            return try c.keyspace.zsetRange(id: id, lex: range, reverse: reverse, offset: Int(options.offset),
                                            limit: Int(options.limit))
        }
    }

    // MARK: Combining sets

    /// ZUNION, ZINTER and ZDIFF (Redis's SET_OP_*).
    private enum Combination {
        case union, intersection, difference
    }

    /// How scores of one member in several inputs combine.
    private enum Aggregate {
        case sum, min, max

        /// Redis's `zunionInterAggregate`: an undefined sum (inf - inf) is 0.
        func combine(_ total: inout Double, _ value: Double) {
            switch self {
            case .sum:
                total += value
                if total.isNaN { total = 0 }
            case .min: total = value < total ? value : total
            case .max: total = value > total ? value : total
            }
        }
    }

    /// What the options after the input keys ask for.
    private struct CombineOptions {
        var weights: [Double]
        var aggregate = Aggregate.sum
        var withScores = false
        /// ZINTERCARD's LIMIT; 0 for none.
        var limit: Int64 = 0
    }

    /// Where a combination's result goes.
    private enum CombineOutput {
        case store, reply, cardinality
    }

    static func zunionstore(_ c: inout CommandContext) throws { try combine(&c, .union, output: .store) }
    static func zinterstore(_ c: inout CommandContext) throws { try combine(&c, .intersection, output: .store) }
    static func zdiffstore(_ c: inout CommandContext) throws { try combine(&c, .difference, output: .store) }
    static func zunion(_ c: inout CommandContext) throws { try combine(&c, .union, output: .reply) }
    static func zinter(_ c: inout CommandContext) throws { try combine(&c, .intersection, output: .reply) }
    static func zdiff(_ c: inout CommandContext) throws { try combine(&c, .difference, output: .reply) }
    static func zintercard(_ c: inout CommandContext) throws { try combine(&c, .intersection, output: .cardinality) }

    /// Redis's `zunionInterDiffGenericCommand`. Inputs may be sorted sets or
    /// sets (members scored 1); a missing key is an empty input.
    private static func combine(_ c: inout CommandContext, _ combination: Combination, output: CombineOutput) throws {
        let numkeysIndex = output == .store ? 2 : 1
        let inputCount = try c.integer(numkeysIndex)
        guard inputCount >= 1 else {
            throw RedisError.custom("ERR at least 1 input key is needed for '\(c.spec.fullName)' command")
        }
        guard inputCount <= Int64(c.count - numkeysIndex - 1) else { throw RedisError.syntax }
        let firstKey = numkeysIndex + 1
        // Every input is read (and type-checked) before the options.
        let inputs = try (firstKey..<firstKey + Int(inputCount)).map { index in
            try c.with(index) { try c.keyspace.zsetOperand(db: c.db, key: $0, now: c.now) } ?? []
        }
        let options = try combineOptions(c, from: firstKey + inputs.count, combination, output: output)
        let result = combined(inputs, combination, options)
        switch output {
        case .store:
            try c.with(1) { try c.keyspace.storeZset(db: c.db, key: $0, now: c.now, members: result) }
            c.client.reply.integer(Int64(result.count))
        case .reply:
            reply(&c, result, options.withScores ? withScoresLayout(c) : .members)
        case .cardinality:
            c.client.reply.integer(Int64(options.limit > 0 ? min(Int64(result.count), options.limit) : Int64(result.count)))
        }
    }

    /// Reads WEIGHTS, AGGREGATE, WITHSCORES and LIMIT where Redis allows them.
    private static func combineOptions(_ c: CommandContext, from index: Int, _ combination: Combination,
                                       output: CombineOutput) throws -> CombineOptions {
        let inputCount = index - (output == .store ? 3 : 2)
        var options = CombineOptions(weights: Array(repeating: 1, count: inputCount))
        let weighted = combination != .difference && output != .cardinality
        var index = index
        while index < c.count {
            let remaining = c.count - index
            if weighted && remaining >= inputCount + 1 && c.isOption(index, "weights") {
                for input in 0..<inputCount {
                    guard let weight = c.with(index + 1 + input, { parseScore($0) }) else {
                        throw RedisError.custom("ERR weight value is not a float")
                    }
                    options.weights[input] = weight
                }
                index += 1 + inputCount
            } else if weighted && remaining >= 2 && c.isOption(index, "aggregate") {
                if c.isOption(index + 1, "sum") { options.aggregate = .sum }
                else if c.isOption(index + 1, "min") { options.aggregate = .min }
                else if c.isOption(index + 1, "max") { options.aggregate = .max }
                else { throw RedisError.syntax }
                index += 2
            } else if output == .reply && c.isOption(index, "withscores") {
                options.withScores = true
                index += 1
            } else if output == .cardinality && remaining >= 2 && c.isOption(index, "limit") {
                options.limit = try c.integer(index + 1, in: 0...Int64.max, message: "LIMIT can't be negative")
                index += 2
            } else {
                throw RedisError.syntax
            }
        }
        return options
    }

    /// The combined members in Redis's order (score, then member bytes).
    private static func combined(_ inputs: [[ScoredMember]], _ combination: Combination,
                                 _ options: CombineOptions) -> [ScoredMember] {
        var weighted = zip(inputs, options.weights).map { (members: $0, weight: $1) }
        // Redis sorts the inputs smallest first (glibc's qsort, a stable merge
        // sort), which fixes the order scores are summed in.
        if combination != .difference {
            weighted = weighted.enumerated().sorted {
                ($0.element.members.count, $0.offset) < ($1.element.members.count, $1.offset)
            }.map(\.element)
        }
        let result: [ScoredMember]
        switch combination {
        case .union: result = union(weighted, options.aggregate)
        case .intersection: result = intersection(weighted, options.aggregate)
        case .difference: result = difference(inputs)
        }
        return result.sorted {
            $0.score < $1.score || ($0.score == $1.score && $0.member.lexicographicallyPrecedes($1.member))
        }
    }

    /// A weighted score; an undefined product (inf × 0) is 0.
    private static func weighted(_ score: Double, _ weight: Double) -> Double {
        let product = score * weight
        return product.isNaN ? 0 : product
    }

    private static func union(_ inputs: [(members: [ScoredMember], weight: Double)], _ aggregate: Aggregate) -> [ScoredMember] {
        var totals: [[UInt8]: Double] = [:]
        for input in inputs {
            for entry in input.members {
                let score = weighted(entry.score, input.weight)
                if let total = totals[entry.member] {
                    var total = total
                    aggregate.combine(&total, score)
                    totals[entry.member] = total
                } else {
                    totals[entry.member] = score
                }
            }
        }
        return totals.map { ScoredMember(member: $0.key, score: $0.value) }
    }

    private static func intersection(_ inputs: [(members: [ScoredMember], weight: Double)], _ aggregate: Aggregate) -> [ScoredMember] {
        guard let first = inputs.first else { return [] }
        let others = inputs.dropFirst().map { input in
            (scores: Dictionary(input.members.map { ($0.member, $0.score) }, uniquingKeysWith: { a, _ in a }), weight: input.weight)
        }
        return first.members.compactMap { entry in
            var total = weighted(entry.score, first.weight)
            for other in others {
                guard let score = other.scores[entry.member] else { return nil }
                // Redis does not zero an undefined product here, only the sum.
                aggregate.combine(&total, score * other.weight)
            }
            return ScoredMember(member: entry.member, score: total)
        }
    }

    /// The members of the first input that are in no other, with their own scores.
    private static func difference(_ inputs: [[ScoredMember]]) -> [ScoredMember] {
        guard let first = inputs.first else { return [] }
        let others = Set(inputs.dropFirst().flatMap { $0.map(\.member) })
        return first.filter { !others.contains($0.member) }
    }

    // MARK: Parsing

    /// Calls `body` with a NUL-terminated copy of `bytes` and its length, as
    /// Redis's C parsers see an argument.
    private static func withCString<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
        var buffer = [CChar](repeating: 0, count: bytes.count + 1)
        for index in 0..<bytes.count { buffer[index] = CChar(bitPattern: bytes[index]) }
        return buffer.withUnsafeBufferPointer { body($0.baseAddress!, bytes.count) }
    }

    /// Parses a score as Redis's `string2d` does (ZADD, ZINCRBY, WEIGHTS):
    /// the whole text is one `strtod` number, without leading space, NaN,
    /// or an overflow or underflow to infinity or zero.
    static func parseScore(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard let first = bytes.first, !" \t\n\u{0B}\u{0C}\r".utf8.contains(first) else { return nil }
        return withCString(bytes) { text, length in
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let value = strtod(text, &end)
            guard let end, end == UnsafeMutablePointer(mutating: text) + length else { return nil }
            if errno == ERANGE && (value.isInfinite || value == 0) { return nil }
            return value.isNaN ? nil : value
        }
    }

    /// One end of a score range as Redis's `zslParseRange` reads it: a C
    /// string (it ends at a NUL), `(` for exclusive, then `strtod` up to the
    /// end; leading space, an empty text (0) and overflow pass, NaN does not.
    private static func scoreBound(_ bytes: UnsafeRawBufferPointer) -> ScoreBound? {
        withCString(bytes) { text, _ in
            let exclusive = text[0] == CChar(UInt8(ascii: "("))
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(exclusive ? text + 1 : text, &end)
            guard let end, end.pointee == 0, !value.isNaN else { return nil }
            return ScoreBound(value: value, isExclusive: exclusive)
        }
    }

    /// Arguments `minIndex` and `maxIndex` as a score range.
    private static func scoreRange(_ c: CommandContext, _ minIndex: Int, _ maxIndex: Int) throws -> ScoreRange {
        guard let min = c.with(minIndex, { scoreBound($0) }), let max = c.with(maxIndex, { scoreBound($0) }) else {
            throw RedisError.custom("ERR min or max is not a float")
        }
        return ScoreRange(min: min, max: max)
    }

    /// One end of a lexicographic range as Redis's `zslParseLexRangeItem`
    /// reads it: `-` or `+` alone (as C strings: a NUL may follow), or `[`
    /// or `(` before the member's bytes.
    private static func lexBound(_ bytes: ArraySlice<UInt8>) -> LexBound? {
        guard let first = bytes.first else { return nil }
        let rest = bytes.dropFirst()
        switch first {
        case UInt8(ascii: "+"): return rest.first ?? 0 == 0 ? .positiveInfinity : nil
        case UInt8(ascii: "-"): return rest.first ?? 0 == 0 ? .negativeInfinity : nil
        case UInt8(ascii: "["): return .inclusive(Array(rest))
        case UInt8(ascii: "("): return .exclusive(Array(rest))
        default: return nil
        }
    }

    /// Arguments `minIndex` and `maxIndex` as a lexicographic range.
    private static func lexRange(_ c: CommandContext, _ minIndex: Int, _ maxIndex: Int) throws -> LexRange {
        guard let min = lexBound(c.arguments[minIndex]), let max = lexBound(c.arguments[maxIndex]) else {
            throw RedisError.custom("ERR min or max not valid string range item")
        }
        return LexRange(min: min, max: max)
    }

    /// A score as ZSCAN prints it: from a skiplist `%.17g`; from a listpack
    /// the text Redis stored there (`d2string`), which prints a whole number
    /// within ±LLONG_MAX/2 as an integer (`1e17` → `100000000000000000`).
    private static func scanScore(_ score: Double, listpack: Bool) -> [UInt8] {
        let half = Double(Int64.max / 2)
        if listpack, score != 0, score.rounded(.towardZero) == score, score >= -half, score <= half {
            return Array(String(Int64(score)).utf8)
        }
        return formatG17(score)
    }

    /// `printf("%.17g")`, the text Redis gives a score in ZSCAN.
    private static func formatG17(_ value: Double) -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: 64)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value]) { vsnprintf(pointer.baseAddress, pointer.count, "%.17g", $0) }
        }
        return buffer[0..<Int(max(0, min(written, 63)))].map { UInt8(bitPattern: $0) }
    }

    /// The ranks `start...end` (negative from the end) clipped to the set,
    /// nil when empty, as Redis sanitizes them.
    private static func ranks(_ c: inout CommandContext, id: Int64, start: Int64, end: Int64) throws -> Range<Int>? {
        let length = Int64(try c.keyspace.zsetLength(id: id))
        var start = start, end = end
        if start < 0 { start += length }
        if end < 0 { end += length }
        if start < 0 { start = 0 }
        guard start <= end, start < length else { return nil }
        return Int(start)..<Int(min(end, length - 1) + 1)
    }
}
